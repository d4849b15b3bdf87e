package camstream.config;

/**
 * How one camera's H.264 stream is encoded.
 *
 * @param bitrateKbps     the encoder's target in kbit/s; 0: from the picture size and frame rate ({@link #bitrate})
 * @param keyframeSeconds a keyframe at least this often: how long a new viewer may wait for its first picture
 *                        at most, and how far a viewer that cannot keep up skips
 * @param profile         {@code baseline} (Constrained Baseline) or {@code main}
 */
public record VideoOptions(int bitrateKbps, int keyframeSeconds, String profile) {

    public static final int DEFAULT_KEYFRAME_SECONDS = 1;
    public static final String BASELINE = "baseline";
    public static final java.util.List<String> PROFILES = java.util.List.of(BASELINE, "main");
    public static final VideoOptions DEFAULTS = new VideoOptions(0, DEFAULT_KEYFRAME_SECONDS, BASELINE);

    /**
     * H.264 frames a viewer of a camera at {@code fps} may have waiting before it skips to the next
     * keyframe: a group of pictures and as much again, 8 to 10,000.
     */
    public int framesToHold(int fps) {
        return (int) Math.max(8, Math.min(10_000, 2L * fps * keyframeSeconds));
    }

    /**
     * The target in bit/s for {@code width} x {@code height} at {@code fps}: the setting, or about 0.06
     * bit per pixel, which keeps a camera's scene sharp in Constrained Baseline (640x480 at 30 frames/s:
     * 553 kbit/s; 1920x1080: 3.7 Mbit/s), with a floor for small, slow streams.
     */
    public int bitrate(int width, int height, double fps) {
        if (bitrateKbps > 0) {
            return bitrateKbps * 1000;
        }
        return (int) Math.max(100_000, Math.min(50_000_000, width * (long) height * fps * 0.06));
    }
}
