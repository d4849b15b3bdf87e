package camstream.camera;

import camstream.config.CameraConfig;
import camstream.config.Settings;
import camstream.source.FrameSource;
import camstream.source.Sources;
import camstream.source.VideoRelaySource;
import camstream.stream.Via;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What the cameras of one instance share: the clock, the timeouts, the pool that writes to viewers,
 * the pool that encodes, and where sources come from. Tests hand in their own clock, inline pools
 * and scripted sources.
 *
 * @param idleNanos          how long a source stays open without viewers; 0 keeps it open
 * @param sourceTimeoutNanos how long an open or read may take before viewers see NO SIGNAL
 * @param summaryNanos       between two viewer summaries in the log; 0 for none
 * @param writers            runs the writes to viewers and the snapshot callbacks
 * @param noOpenCv           why OpenCV did not load, or null when it did: without it nothing is decoded,
 *                           drawn or encoded, and only pictures that arrive as JPEG can be shown
 * @param server             this camstream as its cameras' hops name it, in every picture's path ({@link Via})
 * @param noVideo            why H.264 cannot be encoded here, or null when it can
 * @param videoSources       the source of a camera's H.264 apart from its pictures (an upstream camstream's
 *                           {@code .mp4}), or null for a camera whose H.264 is made from its source
 */
public record CameraServices(Clock clock, long idleNanos, long sourceTimeoutNanos, long summaryNanos,
                             Executor writers, EncodePool encoders, Function<CameraConfig, FrameSource> sources,
                             String noOpenCv, Via.Server server, String noVideo,
                             Function<CameraConfig, FrameSource> videoSources) {

    /** Cameras whose H.264 is made from their sources only. */
    public CameraServices(Clock clock, long idleNanos, long sourceTimeoutNanos, long summaryNanos, Executor writers,
                          EncodePool encoders, Function<CameraConfig, FrameSource> sources, String noOpenCv,
                          Via.Server server, String noVideo) {
        this(clock, idleNanos, sourceTimeoutNanos, summaryNanos, writers, encoders, sources, noOpenCv, server, noVideo,
                cfg -> null);
    }

    /** The system clock, the settings' timeouts and the sources they name. */
    public static CameraServices of(Settings settings, Executor writers, EncodePool encoders, String noOpenCv,
                                    Via.Server server, String noVideo) {
        return new CameraServices(Clock.SYSTEM, TimeUnit.SECONDS.toNanos(settings.idleTimeoutSeconds()),
                TimeUnit.SECONDS.toNanos(settings.sourceTimeoutSeconds()),
                TimeUnit.SECONDS.toNanos(settings.summaryIntervalSeconds()), writers, encoders,
                cfg -> Sources.create(cfg, server.hop(cfg.id())), noOpenCv, server, noVideo,
                cfg -> VideoRelaySource.relaysCamstream(cfg)
                        ? new VideoRelaySource(cfg, cfg.source().argument(), server.hop(cfg.id())) : null);
    }
}
