package camstream.config;

import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What is done to each captured picture of one camera, once, before it is encoded: rotation, flip and
 * a timestamp overlay; whether byte-identical consecutive frames are dropped; and how many size or
 * quality variants viewers may make it encode.
 *
 * @param rotate         degrees clockwise: 0, 90, 180 or 270; applied before the flip
 * @param flip           mirror after rotating
 * @param overlayFormat  a {@link DateTimeFormatter} pattern for the capture time drawn into the picture; null for none
 * @param dropDuplicates whether a frame whose JPEG is byte for byte the one before is not sent (the keep-alive still is)
 * @param maxVariants    distinct size/quality variants that may be encoded at once besides the main stream
 */
public record Processing(int rotate, Flip flip, String overlayFormat, boolean dropDuplicates, int maxVariants) {

    public static final String DEFAULT_OVERLAY_FORMAT = "yyyy-MM-dd HH:mm:ss";
    public static final int DEFAULT_MAX_VARIANTS = 4;
    public static final Processing NONE = new Processing(0, Flip.NONE, null, false, DEFAULT_MAX_VARIANTS);

    /** Values of the {@code flip} setting. */
    public enum Flip {
        NONE, HORIZONTAL, VERTICAL, BOTH;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** True when pictures are changed before encoding: rotated, flipped or overlaid. */
    public boolean transforms() {
        return rotate != 0 || flip != Flip.NONE || overlayFormat != null;
    }
}
