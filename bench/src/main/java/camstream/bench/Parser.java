package camstream.bench;

import java.nio.ByteBuffer;

/** What the load generator reads one viewer's connection with: a multipart stream or a WebSocket. */
interface Parser {

    /** Consumes every remaining byte of {@code buf}. */
    void feed(ByteBuffer buf, long arrivalMicros) throws StreamParser.FramingException;

    /** True once the response head has been read (200 multipart, or 101 for a WebSocket). */
    boolean headComplete();

    /** True once the server ended the stream. */
    boolean ended();

    /** Pictures received whole. */
    long parts();
}
