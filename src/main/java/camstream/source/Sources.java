package camstream.source;

import camstream.config.CameraConfig;
import camstream.config.SourceSpec;
import camstream.stream.Via;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Creates the source a camera's parsed {@link SourceSpec} names. */
public final class Sources {

    private static final Logger LOG = Logger.getLogger(Sources.class.getName());

    private Sources() {
    }

    /** As {@link #create(CameraConfig, Via.Hop)}, for a camera of a camstream of its own. */
    public static FrameSource create(CameraConfig cfg) {
        return create(cfg, Via.Server.start("camstream").hop(cfg.id()));
    }

    /**
     * Creates the source of a camera whose settings are valid; {@code self} is the camera's hop, which
     * a relay's pictures must not have passed through already. Throws IllegalArgumentException, with
     * a message for the log and the placeholder, when the spec names a kind nobody provides.
     */
    public static FrameSource create(CameraConfig cfg, Via.Hop self) {
        SourceSpec spec = cfg.source();
        return switch (spec.kind()) {
            case AUTO -> new AutoSource(cfg);
            case TEST_PATTERN -> new TestPatternSource(cfg, null);
            case DEVICE -> new DeviceSource(cfg, spec.argument());
            case FILE -> file(cfg, spec.argument());
            case HTTP -> new RelaySource(cfg, spec.argument(), self);
            case RTSP -> new RtspSource(cfg, spec.argument());
            case PROVIDED -> provided(cfg, spec);
        };
    }

    /** A file name with a {@code %} is an image sequence pattern, anything else an MJPEG AVI. */
    private static FrameSource file(CameraConfig cfg, String path) {
        return String.valueOf(Path.of(path).getFileName()).contains("%")
                ? new ImageSequenceSource(cfg, path) : new MjpegAviSource(cfg, path);
    }

    private static FrameSource provided(CameraConfig cfg, SourceSpec spec) {
        Iterator<SourceProvider> providers = ServiceLoader.load(SourceProvider.class, Sources.class.getClassLoader())
                .iterator();
        while (true) {
            SourceProvider p;
            try {
                if (!providers.hasNext()) {
                    break;
                }
                p = providers.next();
            } catch (ServiceConfigurationError e) {
                // Someone else's broken jar must not cost this camera its source.
                LOG.log(Level.WARNING, "Skipping a source provider that does not load: " + e.getMessage(), e);
                continue;
            }
            if (p.name().equals(spec.name())) {
                return p.create(cfg, spec.argument());
            }
        }
        throw new IllegalArgumentException(SourceSpec.UNKNOWN);
    }
}
