package camstream.stream;

import java.nio.charset.StandardCharsets;

/**
 * The binary WebSocket message that carries one picture, so that one connection can carry every
 * camera: the camera id, the capture time and the same JPEG bytes the multipart stream sends, or
 * for H.264 the same fMP4 bytes {@code /stream/{camera}.mp4} sends.
 * <pre>
 *   1 byte     n, the length of the camera id (1 to 255)
 *   n bytes    the camera id, ASCII
 *   8 bytes    capture time, microseconds since the epoch, big-endian; 0 for an init segment
 *   the rest   a JPEG (it begins FF D8),
 *              or an fMP4 init segment, ftyp and moov (bytes 4 to 7 of it: "ftyp"): a new H.264 track,
 *              or one H.264 frame as an fMP4 fragment, moof and mdat (bytes 4 to 7: "moof")
 * </pre>
 * A camera sent as H.264 begins with an init segment, then a keyframe; a new init segment comes when
 * its track changes (another picture size) and when the camera is watched again after a pause.
 */
public final class SocketMessage {

    static final int TIMESTAMP_BYTES = Long.BYTES;

    private SocketMessage() {
    }

    /** What every message of one camera starts with; camera ids are ASCII letters, digits, '-' and '_'. */
    public static byte[] prefix(String camera) {
        byte[] id = camera.getBytes(StandardCharsets.US_ASCII);
        if (id.length == 0 || id.length > 255) {
            throw new IllegalArgumentException("camera id of " + id.length + " bytes: " + camera);
        }
        byte[] prefix = new byte[1 + id.length];
        prefix[0] = (byte) id.length;
        System.arraycopy(id, 0, prefix, 1, id.length);
        return prefix;
    }

    /** One whole message: {@code prefix}, the timestamp, and {@code length} bytes of {@code src} from {@code offset}. */
    static byte[] message(byte[] prefix, long timestampMicros, byte[] src, int offset, int length) {
        byte[] m = new byte[prefix.length + TIMESTAMP_BYTES + length];
        System.arraycopy(prefix, 0, m, 0, prefix.length);
        for (int i = 0; i < TIMESTAMP_BYTES; i++) {
            m[prefix.length + i] = (byte) (timestampMicros >>> (8 * (TIMESTAMP_BYTES - 1 - i)));
        }
        System.arraycopy(src, offset, m, prefix.length + TIMESTAMP_BYTES, length);
        return m;
    }
}
