package camstream.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a camera's settings need the pixels of its pictures. A source that delivers JPEG bytes
 * ready (an http relay, a device in MJPG) has them passed through untouched, with no decode and no
 * encode, unless something here needs pixels; then they are decoded and take the normal path.
 * The one place that decides: a setting that changes pictures (size, rotation, overlay, a variant)
 * adds its reason to {@link #neededFor}.
 */
public final class Pixels {

    private Pixels() {
    }

    /** Why this camera needs pixels, in words for the log; empty when JPEG bytes can pass through. */
    public static List<String> neededFor(CameraConfig cfg) {
        List<String> why = new ArrayList<>();
        if (!cfg.options().passthrough()) {
            why.add(cfg.key("passthrough") + "=false");
        }
        return why;
    }

    public static boolean needed(CameraConfig cfg) {
        return !neededFor(cfg).isEmpty();
    }

    /** True when the JPEG bytes of a source that delivers them go to viewers as they are. */
    public static boolean passThrough(CameraConfig cfg, boolean sourceDeliversJpeg) {
        return sourceDeliversJpeg && !needed(cfg);
    }

    /** True when a device camera is to deliver its own MJPEG pictures undecoded: MJPG asked for, and no pixels needed. */
    public static boolean nativeMjpeg(CameraConfig cfg) {
        return cfg.source() != null
                && (cfg.source().kind() == SourceSpec.Kind.DEVICE || cfg.source().kind() == SourceSpec.Kind.AUTO)
                && "MJPG".equals(cfg.options().fourcc()) && !needed(cfg);
    }
}
