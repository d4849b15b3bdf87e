package camstream.stream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MultipartTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theStreamOpensWithTheDelimiterBeforeTheFirstPart() {
        assertArrayEquals(ascii("--camstreamframe\r\n"), Multipart.preamble());
        assertEquals("multipart/x-mixed-replace;boundary=camstreamframe", Multipart.CONTENT_TYPE);
    }

    @Test
    void aPartIsHeadersThenTheJpegThenTheNextDelimiterByteForByte() {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9, 99};
        byte[] part = Multipart.part(jpeg, 7, 1_732_467_200_000_042L, Via.NONE);
        String expected = "Content-Type: image/jpeg\r\n"
                + "Content-Length: 7\r\n"
                + "X-Timestamp: 1732467200.000042\r\n"
                + "\r\n"
                + "\u00ff\u00d8\u0001\u0002\u0003\u00ff\u00d9"
                + "\r\n--camstreamframe\r\n";
        assertArrayEquals(expected.getBytes(StandardCharsets.ISO_8859_1), part);
    }

    @Test
    void aFrameServesItsJpegFromInsideTheSharedPart() {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, 5, (byte) 0xFF, (byte) 0xD9};
        Via via = Via.of(new Via.Hop("1f3a9c0e", "front", "10.0.0.5:8080/camstream"));
        for (Via v : new Via[]{Via.NONE, via}) {
            Frame f = new Frame(1, 1_000_000L, jpeg, jpeg.length, false, v);
            assertArrayEquals(jpeg, f.jpeg());
            assertEquals(jpeg.length, f.jpegLength());
            assertEquals((byte) 0xFF, f.part()[f.jpegOffset()]);
            assertEquals("Content-Type", new String(f.part(), 0, 12, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aPartNamesTheCamstreamsItsPicturePassedThroughInOneHeaderLine() {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};
        Via via = Via.of(new Via.Hop("1f3a9c0e", "front", "10.0.0.5:8080/camstream"))
                .then(Via.of(new Via.Hop("7b20d4aa", "lobby", "cam2.local/camstream")));
        String head = new String(Multipart.headers(4, 1_000_000L, via), StandardCharsets.US_ASCII);
        assertEquals("Content-Type: image/jpeg\r\n"
                + "Content-Length: 4\r\n"
                + "X-Timestamp: 1.000000\r\n"
                + "X-Camstream-Via: 1f3a9c0e/front 10.0.0.5:8080/camstream, 7b20d4aa/lobby cam2.local/camstream\r\n"
                + "\r\n", head);
        assertEquals(94, head.length() - Multipart.headers(4, 1_000_000L, Via.NONE).length,
                "the bytes the path of a picture relayed once adds to each part");
    }

    @Test
    void timestampsAreEpochSecondsDotMicrosWithLeadingZeros() {
        assertEquals("0.000000", Multipart.formatTimestamp(0));
        assertEquals("1.000001", Multipart.formatTimestamp(1_000_001));
        assertEquals("1732467200.123456", Multipart.formatTimestamp(1_732_467_200_123_456L));
    }
}
