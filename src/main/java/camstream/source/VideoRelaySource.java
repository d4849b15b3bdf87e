package camstream.source;

import camstream.config.CameraConfig;
import camstream.config.SourceSpec;
import camstream.stream.Via;
import camstream.video.AccessUnit;
import org.opencv.core.Mat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The H.264 of a relay camera whose upstream is another camstream's stream ({@code .../stream/{camera}}):
 * that camstream's {@code .../stream/{camera}.mp4}, read through one connection while anyone watches
 * this camera's H.264, its frames handed on as they came, for the camera's H.264 stream to pass
 * through as an IP camera's does: no decode and no encode here, so a tree of camstreams encodes once,
 * at the root. Asked with the same credentials and hop as the camera's MJPEG relay ({@link RelayRequest}).
 */
public final class VideoRelaySource implements FrameSource {

    private static final Logger LOG = Logger.getLogger(VideoRelaySource.class.getName());
    /** A camstream's stream of one camera, as its path ends. */
    private static final Pattern CAMSTREAM_STREAM = Pattern.compile(".*/stream/[A-Za-z0-9_-]{1,64}");

    private final CameraConfig cfg;
    private final RelayRequest request;
    private final String shown;
    private final AtomicLong units = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();

    // Capture thread only.
    private VideoRelayExchange stream;
    private long unitsBefore;
    /** The path the upstream's last answer named; read by other threads. */
    private volatile Via upstream = Via.NONE;

    /** @param url the camera's MJPEG relay URL, which {@link #videoUrl} turned into its H.264 one */
    public VideoRelaySource(CameraConfig cfg, String url, Via.Hop self) {
        this.cfg = cfg;
        this.request = new RelayRequest(cfg, videoUrl(url), self);
        this.shown = request.shown();
    }

    /**
     * The H.264 stream of the camstream stream {@code url} names ({@code http://host/ctx/stream/door?token=x}
     * gives {@code http://host/ctx/stream/door.mp4?token=x}), or null when {@code url} is not one.
     */
    public static String videoUrl(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String scheme = u.getScheme();
        if (scheme == null || !scheme.matches("(?i)https?") || u.getRawAuthority() == null || u.getRawFragment() != null
                || u.getRawPath() == null || !CAMSTREAM_STREAM.matcher(u.getRawPath()).matches()) {
            return null;
        }
        return scheme + "://" + u.getRawAuthority() + u.getRawPath() + ".mp4"
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    /** Whether the camera {@code cfg} names relays another camstream's stream, whose H.264 it can pass through. */
    public static boolean relaysCamstream(CameraConfig cfg) {
        return cfg.source() != null && cfg.source().kind() == SourceSpec.Kind.HTTP && videoUrl(cfg.source().argument()) != null;
    }

    @Override
    public void open() throws SourceException {
        close();
        VideoRelayExchange u = new VideoRelayExchange(cfg.id(), shown, cfg.options().maxPartBytes(), request.path(),
                request::why);
        HttpResponse<Void> r = request.send(u::choose, u::cancel);
        if (!u.streaming()) {
            SourceException loop = u.refusal();
            throw loop != null ? loop : request.refused(r, "an H.264 stream (video/mp4)");
        }
        stream = u;
        upstream = u.came();
        unitsBefore = 0;
        connections.incrementAndGet();
        LOG.fine(() -> "Camera '" + cfg.id() + "': passing " + shown + " through");
    }

    @Override
    public boolean deliversVideo() {
        return true;
    }

    @Override
    public AccessUnit readVideo() throws SourceException {
        if (stream == null) {
            throw new SourceException(shown + " is not open");
        }
        AccessUnit u = stream.take(TimeUnit.SECONDS.toNanos(cfg.options().readTimeoutSeconds()));
        long n = stream.units();
        units.addAndGet(n - unitsBefore);
        unitsBefore = n;
        return u;
    }

    @Override
    public void read(Mat frame) throws SourceException {
        throw new SourceException(shown + " delivers video, not pictures");
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of("accessUnits", units.get(), "connections", connections.get());
    }

    @Override
    public Via upstreamPath() {
        return upstream;
    }

    @Override
    public double pacingFps() {
        return 0;
    }

    @Override
    public String describe() {
        return shown;
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.cancel();
            stream = null;
        }
        request.cancel();
    }
}
