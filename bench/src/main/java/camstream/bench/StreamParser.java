package camstream.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Incremental parser for one MJPEG response: the HTTP head, chunked transfer encoding, and the
 * {@code multipart/x-mixed-replace} parts inside it; or, made by {@link #mp4}, for one {@code video/mp4}
 * response, whose body {@link Mp4Boxes} reads. Bytes may arrive split anywhere. It keeps two
 * small line buffers and nothing else per connection: part bodies are skipped by their
 * {@code Content-Length}, never copied, and a line longer than {@link #MAX_LINE} is an error, not a
 * reason to buffer more.
 */
public final class StreamParser implements Parser {

    /** Longest header, chunk-size or delimiter line accepted. */
    public static final int MAX_LINE = 512;
    private static final int MAX_HEAD_LINES = 64;

    /** Told about every part whose body is complete. */
    public interface Listener {
        /**
         * @param timestampMicros the part's {@code X-Timestamp} in microseconds since the epoch, or -1 without one
         * @param arrivalMicros   the arrival time given to the {@link #feed} call that held the body's last byte
         */
        void part(long timestampMicros, int length, long arrivalMicros);

        /**
         * A fragmented MP4 frame (moof + mdat) whose mdat is complete.
         *
         * @param sequence   mfhd's sequence number, one more for each frame the server made
         * @param decodeTime tfdt's decode time, in the track's timescale (microseconds for camstream)
         */
        default void fragment(long sequence, long decodeTime, boolean keyframe, int length, long arrivalMicros) {
            throw new UnsupportedOperationException("not an MP4 listener");
        }
    }

    // Transport (HTTP head and chunk framing).
    private static final int STATUS = 0, HEAD = 1, CHUNK_SIZE = 2, CHUNK_DATA = 3, CHUNK_END = 4, TRAILER = 5,
            IDENTITY = 6, DONE = 7;
    // Multipart, inside the transport's body.
    private static final int FIRST_DELIMITER = 0, PART_HEADERS = 1, BODY = 2, AFTER_BODY = 3, DELIMITER = 4,
            CLOSED = 5;

    private final Listener listener;
    /** The body's reader for a video/mp4 response; null for multipart. */
    private final Mp4Boxes boxes;
    private boolean mp4Type;

    private int transport = STATUS;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private int headLines;
    private boolean chunked;
    private byte[] delimiter;
    private int status;
    private long chunkLeft;

    private int multipart = FIRST_DELIMITER;
    private final byte[] partLine = new byte[MAX_LINE];
    private int partLineLength;
    private long bodyLeft;
    private int contentLength;
    private long timestamp;
    private long parts;

    public StreamParser(Listener listener) {
        this(listener, false);
    }

    private StreamParser(Listener listener, boolean mp4) {
        this.listener = listener;
        this.boxes = mp4 ? new Mp4Boxes(listener) : null;
    }

    /** A parser for a {@code video/mp4} response: frames are reported to {@link Listener#fragment}. */
    public static StreamParser mp4(Listener listener) {
        return new StreamParser(listener, true);
    }

    /** True once the response head (status 200, multipart content type) has been read. */
    @Override
    public boolean headComplete() {
        return transport >= CHUNK_SIZE;
    }

    public int status() {
        return status;
    }

    /** Parts whose body is complete. */
    @Override
    public long parts() {
        return boxes != null ? boxes.fragments() : parts;
    }

    /** True after the closing delimiter or the last chunk: the server ended the stream. */
    @Override
    public boolean ended() {
        return transport == DONE || multipart == CLOSED;
    }

    /** Consumes every remaining byte of {@code buf}. */
    @Override
    public void feed(ByteBuffer buf, long arrivalMicros) throws FramingException {
        while (buf.hasRemaining()) {
            switch (transport) {
                case STATUS, HEAD, CHUNK_SIZE, CHUNK_END, TRAILER -> {
                    if (readLine(buf)) {
                        transportLine();
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(chunkLeft, buf.remaining());
                    body(buf, n, arrivalMicros);
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        transport = CHUNK_END;
                    }
                }
                case IDENTITY -> body(buf, buf.remaining(), arrivalMicros);
                default -> throw new FramingException("bytes after the end of the stream");
            }
        }
    }

    private boolean readLine(ByteBuffer buf) throws FramingException {
        while (buf.hasRemaining()) {
            byte b = buf.get();
            if (b == '\n') {
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
            if (lineLength == MAX_LINE) {
                throw new FramingException("response line longer than " + MAX_LINE + " bytes: "
                        + text(line, 0, 60) + "...");
            }
            line[lineLength++] = b;
        }
        return false;
    }

    private void transportLine() throws FramingException {
        int n = lineLength;
        lineLength = 0;
        switch (transport) {
            case STATUS -> {
                String s = text(line, 0, n);
                if (!s.startsWith("HTTP/1.") || s.length() < 12) {
                    throw new FramingException("not an HTTP response: " + s);
                }
                status = Integer.parseInt(s.substring(9, 12));
                if (status != 200) {
                    throw new FramingException("status " + s.substring(9));
                }
                transport = HEAD;
            }
            case HEAD -> {
                if (n > 0) {
                    if (++headLines > MAX_HEAD_LINES) {
                        throw new FramingException("more than " + MAX_HEAD_LINES + " header lines");
                    }
                    header(text(line, 0, n));
                    return;
                }
                if (boxes != null && !mp4Type) {
                    throw new FramingException("no Content-Type video/mp4 in the response head");
                }
                if (boxes == null && delimiter == null) {
                    throw new FramingException("no multipart boundary in the response head");
                }
                transport = chunked ? CHUNK_SIZE : IDENTITY;
            }
            case CHUNK_SIZE -> {
                String s = text(line, 0, n);
                int ext = s.indexOf(';');
                try {
                    chunkLeft = Long.parseLong((ext < 0 ? s : s.substring(0, ext)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new FramingException("bad chunk size line: " + s);
                }
                transport = chunkLeft == 0 ? TRAILER : CHUNK_DATA;
            }
            case CHUNK_END -> {
                if (n != 0) {
                    throw new FramingException("chunk not followed by CRLF: " + text(line, 0, n));
                }
                transport = CHUNK_SIZE;
            }
            case TRAILER -> {
                if (n == 0) {
                    transport = DONE;
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private void header(String h) {
        int colon = h.indexOf(':');
        if (colon < 0) {
            return;
        }
        String name = h.substring(0, colon).trim();
        String value = h.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Transfer-Encoding")) {
            chunked = value.toLowerCase().contains("chunked");
        } else if (name.equalsIgnoreCase("Content-Type")) {
            mp4Type = value.toLowerCase().startsWith("video/mp4");
            int i = value.toLowerCase().indexOf("boundary=");
            if (i >= 0) {
                String b = value.substring(i + 9);
                int end = b.indexOf(';');
                b = (end < 0 ? b : b.substring(0, end)).trim();
                if (b.length() > 1 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                delimiter = ("--" + b).getBytes(StandardCharsets.US_ASCII);
            }
        }
    }

    /** Hands {@code n} body bytes of {@code buf} to the multipart parser. */
    private void body(ByteBuffer buf, int n, long arrivalMicros) throws FramingException {
        int end = buf.position() + n;
        if (boxes != null) {
            boxes.feed(buf, end, arrivalMicros);
            return;
        }
        while (buf.position() < end) {
            if (multipart == BODY) {
                int skip = (int) Math.min(bodyLeft, end - buf.position());
                buf.position(buf.position() + skip);
                bodyLeft -= skip;
                if (bodyLeft == 0) {
                    parts++;
                    multipart = AFTER_BODY;
                    listener.part(timestamp, contentLength, arrivalMicros);
                }
                continue;
            }
            if (multipart == CLOSED) {
                buf.position(end); // epilogue
                return;
            }
            byte b = buf.get();
            if (b != '\n') {
                if (partLineLength == MAX_LINE) {
                    throw new FramingException("multipart line longer than " + MAX_LINE + " bytes: "
                            + text(partLine, 0, 60) + "...");
                }
                partLine[partLineLength++] = b;
                continue;
            }
            int len = partLineLength;
            if (len > 0 && partLine[len - 1] == '\r') {
                len--;
            }
            partLineLength = 0;
            partLine(len);
        }
    }

    private void partLine(int n) throws FramingException {
        switch (multipart) {
            case FIRST_DELIMITER -> {
                // Preamble lines before the first delimiter are allowed and ignored.
                if (isDelimiter(n)) {
                    startPart();
                } else if (isCloseDelimiter(n)) {
                    multipart = CLOSED;
                }
            }
            case PART_HEADERS -> {
                if (n > 0) {
                    partHeader(text(partLine, 0, n));
                    return;
                }
                if (contentLength < 0) {
                    throw new FramingException("part without Content-Length");
                }
                bodyLeft = contentLength;
                multipart = BODY;
                if (bodyLeft == 0) {
                    parts++;
                    multipart = AFTER_BODY;
                    listener.part(timestamp, 0, -1);
                }
            }
            case AFTER_BODY -> {
                // The CRLF that belongs to the delimiter after the body.
                if (n != 0) {
                    throw new FramingException("part body longer than its Content-Length: " + text(partLine, 0, n));
                }
                multipart = DELIMITER;
            }
            case DELIMITER -> {
                if (isDelimiter(n)) {
                    startPart();
                } else if (isCloseDelimiter(n)) {
                    multipart = CLOSED;
                } else {
                    throw new FramingException("expected the boundary, got: " + text(partLine, 0, n));
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private void startPart() {
        multipart = PART_HEADERS;
        contentLength = -1;
        timestamp = -1;
    }

    private void partHeader(String h) throws FramingException {
        int colon = h.indexOf(':');
        if (colon < 0) {
            throw new FramingException("bad part header: " + h);
        }
        String name = h.substring(0, colon).trim();
        String value = h.substring(colon + 1).trim();
        try {
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Integer.parseInt(value);
                if (contentLength < 0) {
                    throw new NumberFormatException(value);
                }
            } else if (name.equalsIgnoreCase("X-Timestamp")) {
                timestamp = parseMicros(value);
            }
        } catch (NumberFormatException e) {
            throw new FramingException("bad part header: " + h);
        }
    }

    /** {@code 1732467200.000042} to microseconds. */
    static long parseMicros(String s) {
        int dot = s.indexOf('.');
        if (dot < 0) {
            return Long.parseLong(s) * 1_000_000L;
        }
        String frac = (s.substring(dot + 1) + "000000").substring(0, 6);
        return Long.parseLong(s.substring(0, dot)) * 1_000_000L + Long.parseLong(frac);
    }

    private boolean isDelimiter(int n) {
        return n == delimiter.length && startsWithDelimiter(n);
    }

    private boolean isCloseDelimiter(int n) {
        return n == delimiter.length + 2 && startsWithDelimiter(n)
                && partLine[n - 2] == '-' && partLine[n - 1] == '-';
    }

    private boolean startsWithDelimiter(int n) {
        if (n < delimiter.length) {
            return false;
        }
        for (int i = 0; i < delimiter.length; i++) {
            if (partLine[i] != delimiter[i]) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] b, int from, int to) {
        return new String(b, from, Math.min(to, b.length) - from, StandardCharsets.ISO_8859_1);
    }

    /** The stream does not follow the expected framing. */
    public static final class FramingException extends java.io.IOException {
        public FramingException(String message) {
            super(message);
        }
    }
}
