package camstream.stream;

import java.nio.charset.StandardCharsets;

/**
 * The {@code multipart/x-mixed-replace} wire format. The opening delimiter goes out before the
 * first part, and every part ends with the next delimiter so that a browser shows a frame as soon
 * as its bytes arrive instead of one frame late.
 */
public final class Multipart {

    public static final String BOUNDARY = "camstreamframe";
    public static final String CONTENT_TYPE = "multipart/x-mixed-replace;boundary=" + BOUNDARY;

    private static final byte[] PREAMBLE = ascii("--" + BOUNDARY + "\r\n");
    private static final byte[] TRAILER = ascii("\r\n--" + BOUNDARY + "\r\n");

    private Multipart() {
    }

    /** The first bytes of every stream: the opening delimiter. */
    public static byte[] preamble() {
        return PREAMBLE.clone();
    }

    /**
     * Part headers for a JPEG of {@code length} bytes captured at {@code timestampMicros} since the
     * epoch, which passed through the camstreams {@code via} names.
     */
    public static byte[] headers(int length, long timestampMicros, Via via) {
        return ascii("Content-Type: image/jpeg\r\n"
                + "Content-Length: " + length + "\r\n"
                + "X-Timestamp: " + formatTimestamp(timestampMicros) + "\r\n"
                + via.line()
                + "\r\n");
    }

    /** Headers, the JPEG bytes and the delimiter that follows them, in one array. */
    public static byte[] part(byte[] jpeg, int jpegLength, long timestampMicros, Via via) {
        byte[] head = headers(jpegLength, timestampMicros, via);
        byte[] part = new byte[head.length + jpegLength + TRAILER.length];
        System.arraycopy(head, 0, part, 0, head.length);
        System.arraycopy(jpeg, 0, part, head.length, jpegLength);
        System.arraycopy(TRAILER, 0, part, head.length + jpegLength, TRAILER.length);
        return part;
    }

    /** Where the JPEG of {@code jpegLength} bytes starts inside a part built by {@link #part}. */
    public static int jpegOffset(byte[] part, int jpegLength) {
        return part.length - TRAILER.length - jpegLength;
    }

    /** {@code <epoch seconds>.<micros>}, e.g. {@code 1732467200.000042}. */
    public static String formatTimestamp(long micros) {
        long s = Math.floorDiv(micros, 1_000_000L);
        long us = Math.floorMod(micros, 1_000_000L);
        String frac = Long.toString(us);
        return s + "." + "000000".substring(frac.length()) + frac;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
