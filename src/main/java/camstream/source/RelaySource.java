package camstream.source;

import camstream.config.CameraConfig;
import camstream.config.SourceOptions;
import camstream.stream.Via;
import org.opencv.core.Mat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * An http(s) upstream, relayed: an MJPEG stream ({@code multipart/x-mixed-replace}: mjpg-streamer,
 * µStreamer, IP cameras, another camstream) read through one connection while the camera is open,
 * or a URL that answers one JPEG picture, asked again at the camera's fps. Pictures are handed over
 * as the upstream's JPEG bytes, with its {@code X-Timestamp} when it sends a believable one.
 *
 * <p>The upstream's bytes are parsed by {@link MultipartParser} on the relay threads as they arrive,
 * one buffer at a time; the newest whole picture waits in a one-picture slot for the capture thread,
 * so nothing queues whatever the upstream does. An upstream that sends no whole picture for the read
 * timeout is dropped (the camera reconnects with its backoff), and so is one that declares or sends
 * a part over the maximum size, or a picture that passed through this camera before ({@link RelayPath}:
 * a relay loop); {@link #close} cancels the exchange without waiting for the network. The password
 * of a {@code user:password@} URL is sent as HTTP Basic authorization and never shown: {@link #describe}
 * masks it.
 */
public final class RelaySource implements FrameSource {

    private static final Logger LOG = Logger.getLogger(RelaySource.class.getName());

    private final CameraConfig cfg;
    private final SourceOptions options;
    private final RelayRequest request;
    private final String shown;
    private final RelayCounters counters = new RelayCounters();

    // Capture thread only.
    private RelayExchange stream;
    private boolean polling;
    private JpegFrame first;

    /**
     * @param url  as parsed by {@link camstream.config.SourceSpec}: http or https, with a host
     * @param self this camera's hop, which its pictures must not have passed through already
     */
    public RelaySource(CameraConfig cfg, String url, Via.Hop self) {
        this.cfg = cfg;
        this.options = cfg.options();
        this.request = new RelayRequest(cfg, url, self);
        this.shown = request.shown();
    }

    @Override
    public void open() throws SourceException {
        close();
        RelayExchange u = exchange();
        HttpResponse<Void> r = request.send(u::choose, u::cancel);
        switch (u.kind()) {
            case STREAM -> stream = u;
            case PICTURE -> {
                polling = true;
                first = u.picture();
            }
            default -> throw request.refused(r, "an MJPEG stream or a JPEG picture");
        }
        LOG.fine(() -> "Camera '" + cfg.id() + "': " + shown + " answered " + RelayRequest.contentType(r.headers())
                + (polling ? ": polling it at " + cfg.fps() + " fps" : ""));
    }

    @Override
    public boolean deliversJpeg() {
        return true;
    }

    @Override
    public JpegFrame readJpeg() throws SourceException {
        if (stream != null) {
            return stream.take(TimeUnit.SECONDS.toNanos(options.readTimeoutSeconds()));
        }
        if (!polling) {
            throw new SourceException(shown + " is not open");
        }
        if (first != null) {
            JpegFrame f = first;
            first = null;
            return f;
        }
        RelayExchange u = exchange();
        HttpResponse<Void> r = request.send(u::choose, u::cancel);
        if (u.kind() != RelayExchange.Kind.PICTURE) {
            throw request.refused(r, "an MJPEG stream or a JPEG picture");
        }
        return u.picture();
    }

    @Override
    public void read(Mat frame) throws SourceException {
        throw new SourceException(shown + " delivers JPEG pictures only");
    }

    @Override
    public double pacingFps() {
        return polling ? cfg.fps() : 0;
    }

    @Override
    public boolean keepsNewest() {
        return stream != null;
    }

    @Override
    public String describe() {
        return shown;
    }

    @Override
    public Map<String, Long> counters() {
        return counters.map();
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.cancel();
            stream = null;
        }
        request.cancel();
        polling = false;
        first = null;
    }

    private RelayExchange exchange() {
        return new RelayExchange(cfg, shown, request.path(), counters, request::why);
    }
}
