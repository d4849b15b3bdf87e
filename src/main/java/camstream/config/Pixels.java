package camstream.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a camera's settings need the pixels of its pictures. A source that delivers JPEG bytes
 * ready (an http relay, a device in MJPG) has them passed through untouched, with no decode and no
 * encode, unless something here needs pixels; then they are decoded and take the normal path.
 * The one place that decides: a setting that changes pictures (size, rotation, overlay, a variant)
 * adds its reason to {@link #neededFor}. Size and quality variants, which viewers ask for while the
 * camera runs, are decided per frame by the capture loop: the main stream still passes through.
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
        Processing p = cfg.processing();
        if (p.rotate() != 0) {
            why.add(cfg.key("rotate") + "=" + p.rotate());
        }
        if (p.flip() != Processing.Flip.NONE) {
            why.add(cfg.key("flip") + "=" + p.flip().label());
        }
        if (p.overlayFormat() != null) {
            why.add(cfg.key("overlay") + "=timestamp");
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
