package camstream.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamParserTest {

    private static final String HEAD_CHUNKED = "HTTP/1.1 200 OK\r\n"
            + "Content-Type: multipart/x-mixed-replace;boundary=camstreamframe\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";
    private static final String HEAD_PLAIN = "HTTP/1.1 200 OK\r\n"
            + "Content-Type: multipart/x-mixed-replace; boundary=\"camstreamframe\"\r\n"
            + "Connection: close\r\n\r\n";

    /** Parts as camstream writes them: opening delimiter, then each part ends with the next delimiter. */
    private static byte[] multipart(int parts, boolean extraHeaders) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "--camstreamframe\r\n");
        for (int i = 0; i < parts; i++) {
            byte[] jpeg = jpeg(100 + 37 * i);
            write(out, "Content-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n");
            if (extraHeaders) {
                write(out, "X-Frame-Note: boundary --camstreamframe inside a header\r\n");
            }
            write(out, "X-Timestamp: 1732467200." + String.format("%06d", 40 + i) + "\r\n\r\n");
            out.writeBytes(jpeg);
            write(out, "\r\n--camstreamframe\r\n");
        }
        return out.toByteArray();
    }

    /** A body that contains the boundary and CRLFs, which only Content-Length can skip correctly. */
    private static byte[] jpeg(int length) {
        byte[] b = new byte[length];
        byte[] trap = "\r\n--camstreamframe\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            b[i] = i < trap.length ? trap[i] : (byte) (i * 31);
        }
        return b;
    }

    /** {@code body} split into chunks of {@code size} bytes, then the last chunk. */
    private static byte[] chunked(byte[] body, int size, boolean end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += size) {
            int n = Math.min(size, body.length - at);
            write(out, Integer.toHexString(n) + (at == 0 ? ";ext=1" : "") + "\r\n");
            out.write(body, at, n);
            write(out, "\r\n");
        }
        if (end) {
            write(out, "0\r\n\r\n");
        }
        return out.toByteArray();
    }

    private static byte[] concat(String head, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, head);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static final class Recorder implements StreamParser.Listener {
        final List<Long> timestamps = new ArrayList<>();
        final List<Integer> lengths = new ArrayList<>();

        @Override
        public void part(long timestampMicros, int length, long arrivalMicros) {
            timestamps.add(timestampMicros);
            lengths.add(length);
        }
    }

    /** Feeds {@code bytes} in pieces cut at the given positions. */
    private static Recorder feed(byte[] bytes, int... cuts) throws Exception {
        Recorder r = new Recorder();
        StreamParser p = new StreamParser(r);
        int from = 0;
        for (int cut : cuts) {
            p.feed(ByteBuffer.wrap(bytes, from, cut - from), 0);
            from = cut;
        }
        p.feed(ByteBuffer.wrap(bytes, from, bytes.length - from), 0);
        return r;
    }

    @Test
    void countsEveryPartOfAChunkedStreamWithItsTimestampAndLength() throws Exception {
        Recorder r = feed(concat(HEAD_CHUNKED, chunked(multipart(3, false), 1000, false)));
        assertEquals(List.of(1732467200_000040L, 1732467200_000041L, 1732467200_000042L), r.timestamps);
        assertEquals(List.of(100, 137, 174), r.lengths);
    }

    @Test
    void countsTheSamePartsWhereverTheBytesAreSplitInTwoReads() throws Exception {
        byte[] stream = concat(HEAD_CHUNKED, chunked(multipart(3, true), 97, false));
        for (int cut = 0; cut <= stream.length; cut++) {
            Recorder r = feed(stream, cut);
            assertEquals(3, r.timestamps.size(), "split at byte " + cut);
            assertEquals(List.of(100, 137, 174), r.lengths, "split at byte " + cut);
        }
    }

    @Test
    void countsTheSamePartsWhenEveryByteArrivesAlone() throws Exception {
        byte[] stream = concat(HEAD_CHUNKED, chunked(multipart(4, false), 13, false));
        Recorder r = new Recorder();
        StreamParser p = new StreamParser(r);
        for (int i = 0; i < stream.length; i++) {
            p.feed(ByteBuffer.wrap(stream, i, 1), i);
        }
        assertEquals(4, p.parts());
        assertEquals(4, r.timestamps.size());
    }

    @Test
    void reportsThePartWhenItsLastBodyByteArrivesNotWhenTheDelimiterDoes() throws Exception {
        byte[] stream = concat(HEAD_PLAIN, multipart(1, false));
        int delimiterLength = "\r\n--camstreamframe\r\n".length();
        Recorder r = new Recorder();
        StreamParser p = new StreamParser(r);
        p.feed(ByteBuffer.wrap(stream, 0, stream.length - delimiterLength - 1), 1);
        assertEquals(0, p.parts());
        p.feed(ByteBuffer.wrap(stream, stream.length - delimiterLength - 1, 1), 2);
        assertEquals(1, p.parts());
    }

    @Test
    void readsAStreamWithoutChunkedEncodingAndAQuotedBoundary() throws Exception {
        Recorder r = feed(concat(HEAD_PLAIN, multipart(2, true)), 5, 80, 200);
        assertEquals(List.of(100, 137), r.lengths);
    }

    @Test
    void seesTheEndOfTheStreamAtTheLastChunk() throws Exception {
        Recorder r = new Recorder();
        StreamParser p = new StreamParser(r);
        byte[] stream = concat(HEAD_CHUNKED, chunked(multipart(2, false), 64, true));
        p.feed(ByteBuffer.wrap(stream), 0);
        assertTrue(p.ended());
        assertEquals(2, p.parts());
    }

    @Test
    void isNotDoneBeforeTheResponseHeadEnds() throws Exception {
        StreamParser p = new StreamParser(new Recorder());
        byte[] head = HEAD_CHUNKED.getBytes(StandardCharsets.US_ASCII);
        p.feed(ByteBuffer.wrap(head, 0, head.length - 1), 0);
        assertFalse(p.headComplete());
        p.feed(ByteBuffer.wrap(head, head.length - 1, 1), 0);
        assertTrue(p.headComplete());
    }

    @Test
    void rejectsAnOversizedHeaderLineInsteadOfBufferingIt() {
        StreamParser p = new StreamParser(new Recorder());
        byte[] garbage = ("HTTP/1.1 200 OK\r\nX-Junk: " + "a".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        StreamParser.FramingException e = assertThrows(StreamParser.FramingException.class,
                () -> p.feed(ByteBuffer.wrap(garbage), 0));
        assertTrue(e.getMessage().startsWith("response line longer than 512 bytes"), e.getMessage());
    }

    @Test
    void rejectsAnOversizedPartHeaderLineSplitOverManyChunks() {
        byte[] body = ("--camstreamframe\r\nContent-Type: " + "x".repeat(5_000)).getBytes(StandardCharsets.US_ASCII);
        byte[] stream = concat(HEAD_CHUNKED, chunked(body, 100, false));
        StreamParser p = new StreamParser(new Recorder());
        StreamParser.FramingException e = assertThrows(StreamParser.FramingException.class,
                () -> p.feed(ByteBuffer.wrap(stream), 0));
        assertTrue(e.getMessage().startsWith("multipart line longer than 512 bytes"), e.getMessage());
    }

    @Test
    void rejectsGarbageWhereTheBoundaryShouldBe() {
        String body = "--camstreamframe\r\nContent-Length: 3\r\n\r\nabc\r\nnot the boundary\r\n";
        byte[] stream = concat(HEAD_PLAIN, body.getBytes(StandardCharsets.US_ASCII));
        StreamParser p = new StreamParser(new Recorder());
        StreamParser.FramingException e = assertThrows(StreamParser.FramingException.class,
                () -> p.feed(ByteBuffer.wrap(stream), 0));
        assertEquals("expected the boundary, got: not the boundary", e.getMessage());
    }

    @Test
    void rejectsABadChunkSize() {
        byte[] stream = concat(HEAD_CHUNKED, "zz\r\n".getBytes(StandardCharsets.US_ASCII));
        StreamParser p = new StreamParser(new Recorder());
        assertThrows(StreamParser.FramingException.class, () -> p.feed(ByteBuffer.wrap(stream), 0));
    }

    @Test
    void rejectsAnErrorResponse() {
        byte[] stream = "HTTP/1.1 404 Not Found\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        StreamParser p = new StreamParser(new Recorder());
        StreamParser.FramingException e = assertThrows(StreamParser.FramingException.class,
                () -> p.feed(ByteBuffer.wrap(stream), 0));
        assertEquals("status 404 Not Found", e.getMessage());
    }

    @Test
    void parsesTimestampsWithShortFractions() {
        assertEquals(1_500_000L, StreamParser.parseMicros("1.5"));
        assertEquals(2_000_042L, StreamParser.parseMicros("2.000042"));
        assertEquals(3_000_000L, StreamParser.parseMicros("3"));
    }
}
