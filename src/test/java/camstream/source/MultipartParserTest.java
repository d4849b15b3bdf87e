package camstream.source;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultipartParserTest {

    private static final int MAX = 64 * 1024;

    /** A JPEG-like body: the start and end markers around random bytes without 0xFF (so no marker inside). */
    static byte[] jpeg(int size, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[size];
        for (int i = 2; i < size - 2; i++) {
            b[i] = (byte) r.nextInt(0xFF);
        }
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[size - 2] = (byte) 0xFF;
        b[size - 1] = (byte) 0xD9;
        return b;
    }

    /** What the parser handed over. */
    static final class Collected implements MultipartParser.Sink {
        final List<byte[]> jpegs = new ArrayList<>();
        final List<Long> timestamps = new ArrayList<>();
        final List<String> vias = new ArrayList<>();
        final List<Long> tooLarge = new ArrayList<>();

        @Override
        public void part(byte[] jpeg, long timestampMicros, String via) {
            jpegs.add(jpeg);
            timestamps.add(timestampMicros);
            vias.add(via);
        }

        @Override
        public void tooLarge(long declaredLength) {
            tooLarge.add(declaredLength);
        }
    }

    /** A stream written part by part. */
    static final class Wire {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final String eol;

        Wire(String eol) {
            this.eol = eol;
        }

        Wire text(String s) {
            out.writeBytes(s.replace("\n", eol).getBytes(StandardCharsets.ISO_8859_1));
            return this;
        }

        Wire bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        /** camstream's own layout: headers, the JPEG, then the next delimiter. */
        Wire part(String delimiter, byte[] jpeg, String contentLength, String timestamp) {
            text("Content-Type: image/jpeg\n");
            if (contentLength != null) {
                text("Content-Length: " + contentLength + "\n");
            }
            if (timestamp != null) {
                text("X-Timestamp: " + timestamp + "\n");
            }
            text("\n").bytes(jpeg).text("\n" + delimiter + "\n");
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static Collected parse(String boundary, byte[] wire, int chunk) {
        Collected c = new Collected();
        MultipartParser p = new MultipartParser(boundary, MAX, c);
        feed(p, wire, chunk);
        return c;
    }

    private static void feed(MultipartParser p, byte[] wire, int chunk) {
        for (int i = 0; i < wire.length; i += chunk) {
            p.feed(ByteBuffer.wrap(wire, i, Math.min(chunk, wire.length - i)).slice());
        }
    }

    @Test
    void camstreamsOwnStreamGivesEveryJpegByteForByteWithItsTimestamp() {
        byte[] a = jpeg(5000, 1);
        byte[] b = jpeg(7000, 2);
        Wire w = new Wire("\r\n").text("--camstreamframe\n")
                .part("--camstreamframe", a, "5000", "1732467200.000042")
                .part("--camstreamframe", b, "7000", "1732467200.5");
        Collected c = parse("camstreamframe", w.bytes(), 4096);
        assertEquals(2, c.jpegs.size());
        assertArrayEquals(a, c.jpegs.get(0));
        assertArrayEquals(b, c.jpegs.get(1));
        assertEquals(List.of(1732467200000042L, 1732467200500000L), c.timestamps);
    }

    @Test
    void aPartWithARightContentLengthIsHandedOverWithoutWaitingForTheNextDelimiter() {
        byte[] a = jpeg(3000, 3);
        Wire w = new Wire("\r\n").text("--b\nContent-Type: image/jpeg\nContent-Length: 3000\n\n").bytes(a);
        Collected c = parse("b", w.bytes(), 1);
        assertEquals(1, c.jpegs.size());
        assertArrayEquals(a, c.jpegs.get(0));
    }

    @Test
    void splitAtEveryByteOrAnyChunkSizeTheResultIsTheSame() {
        byte[][] jpegs = {jpeg(900, 4), jpeg(1200, 5), jpeg(64, 6)};
        for (String eol : List.of("\r\n", "\n")) {
            for (boolean withLength : List.of(true, false)) {
                Wire w = new Wire(eol).text("preamble words\n--frame\n");
                for (byte[] j : jpegs) {
                    w.part("--frame", j, withLength ? Integer.toString(j.length) : null, null);
                }
                byte[] wire = w.bytes();
                for (int chunk = 1; chunk <= 64; chunk++) {
                    Collected c = parse("frame", wire, chunk);
                    assertEquals(3, c.jpegs.size(), "eol " + eol.length() + " length " + withLength + " chunk " + chunk);
                    for (int i = 0; i < 3; i++) {
                        assertArrayEquals(jpegs[i], c.jpegs.get(i));
                    }
                }
            }
        }
    }

    @Test
    void theBoundaryMayBeQuotedOrNotAndDeclaredWithOrWithoutItsDashes() {
        assertEquals("frame", MultipartParser.boundary("multipart/x-mixed-replace;boundary=frame"));
        assertEquals("--myboundary", MultipartParser.boundary("multipart/x-mixed-replace; boundary=\"--myboundary\""));
        assertEquals("b c", MultipartParser.boundary("multipart/x-mixed-replace; Boundary=\"b c\"; charset=x"));
        assertEquals("x", MultipartParser.boundary("multipart/x-mixed-replace; boundary = x ; y=z"));
        assertNull(MultipartParser.boundary("multipart/x-mixed-replace"));
        assertNull(MultipartParser.boundary("multipart/x-mixed-replace; notaboundary=x"));
        byte[] a = jpeg(500, 7);
        for (String declared : List.of("myboundary", "--myboundary")) {
            for (String written : List.of("--myboundary", "----myboundary", "myboundary")) {
                Wire w = new Wire("\r\n").text(written + "\n").part(written, a, null, null).part(written, a, "500", null);
                Collected c = parse(declared, w.bytes(), 7);
                assertEquals(2, c.jpegs.size(), declared + " written as " + written);
                assertArrayEquals(a, c.jpegs.get(1));
            }
        }
    }

    @Test
    void withoutABoundaryInTheHeaderTheFirstDelimiterLineGivesIt() {
        byte[] a = jpeg(500, 8);
        Wire w = new Wire("\n").text("--boundarydonotcross\n").part("--boundarydonotcross", a, null, null)
                .part("--boundarydonotcross", a, null, null);
        assertEquals(2, parse(null, w.bytes(), 3).jpegs.size());
    }

    @Test
    void garbageBetweenPartsIsSkippedUpToTheNextDelimiterAndCounted() {
        byte[] a = jpeg(800, 9);
        byte[] b = jpeg(900, 10);
        Wire w = new Wire("\r\n").text("--b\n").part("--b", a, "800", null)
                .text("this is not a header\n").bytes(jpeg(300, 11)).text("\n--b\n")
                .part("--b", b, "900", null)
                .bytes(new byte[]{(byte) 0xFF, 1, 2, 3}).text("\n--b\n")
                .part("--b", a, null, null);
        Collected c = new Collected();
        MultipartParser p = new MultipartParser("b", MAX, c);
        feed(p, w.bytes(), 5);
        assertEquals(3, c.jpegs.size());
        assertArrayEquals(b, c.jpegs.get(1));
        assertEquals(1, p.resyncs(), "the line that is not a header");
        assertEquals(1, p.notJpeg(), "the binary bytes taken for a part without headers");
    }

    @Test
    void garbageAfterAPictureOfTheRightLengthIsSkipped() {
        byte[] a = jpeg(800, 12);
        Wire w = new Wire("\r\n").text("--b\n")
                .text("Content-Type: image/jpeg\nContent-Length: 800\n\n").bytes(a).text("GARBAGE GARBAGE\n--b\n")
                .part("--b", a, "800", null);
        Collected c = new Collected();
        MultipartParser p = new MultipartParser("b", MAX, c);
        feed(p, w.bytes(), 11);
        assertEquals(2, c.jpegs.size());
        assertEquals(1, p.resyncs());
    }

    @Test
    void aWrongContentLengthEitherWayIsOverruledByTheDelimiter() {
        byte[] a = jpeg(2000, 13);
        byte[] b = jpeg(2100, 14);
        Wire w = new Wire("\r\n").text("--b\n")
                .part("--b", a, "1500", null)   // too small
                .part("--b", b, "9000", null)   // too large: would swallow the next part
                .part("--b", a, "2000", null);
        Collected c = parse("b", w.bytes(), 13);
        assertEquals(3, c.jpegs.size());
        assertArrayEquals(a, c.jpegs.get(0));
        assertArrayEquals(b, c.jpegs.get(1));
        assertArrayEquals(a, c.jpegs.get(2));
    }

    @Test
    void aPartCutShortIsSkippedAndCounted() {
        byte[] a = jpeg(2000, 15);
        byte[] cut = java.util.Arrays.copyOf(a, 1000);
        Wire w = new Wire("\r\n").text("--b\n")
                .part("--b", cut, "2000", null)
                .part("--b", a, "2000", null);
        Collected c = new Collected();
        MultipartParser p = new MultipartParser("b", MAX, c);
        feed(p, w.bytes(), 100);
        assertEquals(1, c.jpegs.size());
        assertArrayEquals(a, c.jpegs.get(0));
        assertEquals(1, p.cutShort());
    }

    @Test
    void aPartOverTheMaximumEndsTheStreamAtOnceWithoutBeingKept() {
        byte[] big = jpeg(MAX * 10, 16);
        byte[] a = jpeg(1000, 17);
        // Declared over the maximum: given up at its headers. Declared less, or not at all: once it grew over it.
        Object[][] cases = {{Integer.toString(big.length), (long) big.length}, {null, -1L}, {"12", -1L}};
        for (Object[] c : cases) {
            String length = (String) c[0];
            Wire w = new Wire("\r\n").text("--b\n").part("--b", a, "1000", null).part("--b", big, length, null)
                    .part("--b", a, "1000", null);
            Collected got = new Collected();
            MultipartParser p = new MultipartParser("b", MAX, got);
            feed(p, w.bytes(), 8192);
            assertEquals(1, got.jpegs.size(), "Content-Length " + length + ": the part before, none after");
            assertEquals(List.of(c[1]), got.tooLarge, "Content-Length " + length);
            assertEquals(1, p.tooLarge());
            assertTrue(p.bufferCapacity() <= MAX + 1024, "buffer " + p.bufferCapacity());
        }
    }

    @Test
    void aContentLengthOfAThousandTerabytesEndsTheStreamBeforeItsBodyIsRead() {
        Collected got = new Collected();
        MultipartParser p = new MultipartParser("b", MAX, got);
        byte[] head = "--b\r\nContent-Type: image/jpeg\r\nContent-Length: 1000000000000000\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        p.feed(head, 0, head.length);
        assertEquals(List.of(1_000_000_000_000_000L), got.tooLarge);
        byte[] body = jpeg(MAX, 22);
        for (int i = 0; i < 100; i++) {
            p.feed(body, 0, body.length);
        }
        assertEquals(0, p.bufferCapacity(), "nothing of the body kept");
        assertEquals(List.of(1_000_000_000_000_000L), got.tooLarge, "told once");

        Collected longer = new Collected();
        byte[] huge = "--b\r\nContent-Length: 123456789012345678901234567890\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        new MultipartParser("b", MAX, longer).feed(huge, 0, huge.length);
        assertEquals(List.of(Long.MAX_VALUE), longer.tooLarge, "a number too long to read is over any maximum");
    }

    @Test
    void eachPictureComesWithTheCamstreamsItsPartSaysItPassedThrough() {
        byte[] a = jpeg(600, 23);
        Wire w = new Wire("\r\n").text("--b\n")
                .text("Content-Type: image/jpeg\nX-Camstream-Via: 1f3a9c0e/front here:8080/camstream\n\n").bytes(a)
                .text("\n--b\n").part("--b", a, "600", null);
        Collected c = parse("b", w.bytes(), 7);
        assertEquals(2, c.jpegs.size());
        assertEquals(Arrays.asList("1f3a9c0e/front here:8080/camstream", null), c.vias);
    }

    @Test
    void aPartThatIsNotAJpegIsSkippedAndCounted() {
        byte[] a = jpeg(1000, 18);
        Wire w = new Wire("\r\n").text("--b\nContent-Type: text/plain\n\nhello\n--b\n")
                .text("Content-Type: image/jpeg\n\nGIF89a not a jpeg\n--b\n")
                .part("--b", a, null, null);
        Collected c = new Collected();
        MultipartParser p = new MultipartParser("b", MAX, c);
        feed(p, w.bytes(), 9);
        assertEquals(1, c.jpegs.size());
        assertEquals(2, p.notJpeg());
    }

    @Test
    void partsWithoutHeadersAndAnEmptyPartAndTheCloseDelimiterAreUnderstood() {
        byte[] a = jpeg(700, 19);
        Wire w = new Wire("\r\n").text("--b\n").bytes(a).text("\n--b\n--b\n").part("--b--", a, null, null)
                .text("epilogue\n--b\n").part("--b", a, "700", null);
        Collected c = parse("b", w.bytes(), 6);
        assertEquals(3, c.jpegs.size());
    }

    @Test
    void zerosAfterTheEndMarkerAreTakenForPadding() {
        byte[] a = jpeg(1000, 21);
        byte[] padded = java.util.Arrays.copyOf(a, 1100);
        Wire w = new Wire("\r\n").text("--b\n").part("--b", padded, "1100", null).part("--b", padded, null, null);
        Collected c = parse("b", w.bytes(), 17);
        assertEquals(2, c.jpegs.size());
        assertArrayEquals(a, c.jpegs.get(0));
        assertArrayEquals(a, c.jpegs.get(1));
    }

    @Test
    void aTimestampThatIsNotOneIsIgnored() {
        assertEquals(1_500_000L, PartValues.parseTimestamp("1.5"));
        assertEquals(2_000_000L, PartValues.parseTimestamp("2"));
        assertEquals(1_123_456L, PartValues.parseTimestamp("1.123456789"));
        assertEquals(-1, PartValues.parseTimestamp("-1.5"));
        assertEquals(-1, PartValues.parseTimestamp("soon"));
        assertEquals(-1, PartValues.parseTimestamp(""));
    }

    @Test
    void endlessHeaderLinesOrEndlessGarbageKeepTheMemoryBounded() {
        MultipartParser p = new MultipartParser("b", MAX, new Collected());
        byte[] x = new byte[100_000];
        java.util.Arrays.fill(x, (byte) 'x');
        p.feed(("--b\r\n").getBytes(StandardCharsets.US_ASCII), 0, 5);
        for (int i = 0; i < 100; i++) {
            p.feed(x, 0, x.length);
        }
        assertEquals(0, p.bufferCapacity());
        byte[] a = jpeg(1000, 20);
        byte[] tail = new Wire("\r\n").text("\n--b\n").part("--b", a, null, null).bytes();
        Collected c = new Collected();
        MultipartParser q = new MultipartParser("b", MAX, c);
        q.feed(("--b\r\n").getBytes(StandardCharsets.US_ASCII), 0, 5);
        for (int i = 0; i < 100; i++) {
            q.feed(x, 0, x.length);
        }
        q.feed(tail, 0, tail.length);
        assertEquals(1, c.jpegs.size(), "resynced after 10 MB of garbage");
    }
}
