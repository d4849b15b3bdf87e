package camstream.source;

import camstream.config.CameraConfig;
import camstream.config.SourceOptions;
import camstream.config.SourceSpec;
import camstream.stream.Via;
import org.opencv.core.Mat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

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
    private final URI uri;
    private final String authorization;
    private final String shown;
    private final RelayPath relayPath;
    private final RelayCounters counters = new RelayCounters();

    // Capture thread only.
    private RelayExchange stream;
    private boolean polling;
    private JpegFrame first;
    private CompletableFuture<?> pending;

    /**
     * @param url  as parsed by {@link SourceSpec}: http or https, with a host
     * @param self this camera's hop, which its pictures must not have passed through already
     */
    public RelaySource(CameraConfig cfg, String url, Via.Hop self) {
        this.cfg = cfg;
        this.options = cfg.options();
        URI full = URI.create(url);
        String authority = full.getRawAuthority();
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        String path = full.getRawPath() == null || full.getRawPath().isEmpty() ? "/" : full.getRawPath();
        this.uri = URI.create(full.getScheme().toLowerCase(Locale.ROOT) + "://" + hostPort + path
                + (full.getRawQuery() == null ? "" : "?" + full.getRawQuery()));
        String user = full.getUserInfo();
        this.authorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8));
        this.shown = SourceSpec.mask(url);
        this.relayPath = new RelayPath(self, shown);
    }

    @Override
    public void open() throws SourceException {
        close();
        RelayExchange u = exchange();
        HttpResponse<Void> r = send(u);
        switch (u.kind()) {
            case STREAM -> stream = u;
            case PICTURE -> {
                polling = true;
                first = u.picture();
            }
            default -> throw refused(r);
        }
        LOG.fine(() -> "Camera '" + cfg.id() + "': " + shown + " answered " + contentType(r.headers())
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
        HttpResponse<Void> r = send(u);
        if (u.kind() != RelayExchange.Kind.PICTURE) {
            throw refused(r);
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
        if (pending != null) {
            pending.cancel(true);
            pending = null;
        }
        polling = false;
        first = null;
    }

    // ---- One exchange ----

    private RelayExchange exchange() {
        return new RelayExchange(cfg, shown, relayPath, counters, this::why);
    }

    /** Sends a GET and waits for its answer: the headers of a stream, or the whole of a picture. */
    private HttpResponse<Void> send(RelayExchange u) throws SourceException {
        HttpClient client;
        try {
            client = RelayClients.get(options.connectTimeoutSeconds());
        } catch (IllegalStateException e) {
            throw new SourceException(e.getMessage());
        }
        int read = options.readTimeoutSeconds();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(read)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        b.header(Via.HEADER, relayPath.request());
        CompletableFuture<HttpResponse<Void>> f = client.sendAsync(b.build(), u::choose);
        pending = f;
        try {
            return f.get(options.connectTimeoutSeconds() + read + 1L, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            u.cancel();
            throw new SourceException("no answer from " + shown + " within " + read + " s");
        } catch (ExecutionException e) {
            u.cancel();
            throw new SourceException(why(e.getCause()));
        } catch (InterruptedException e) {
            u.cancel();
            Thread.currentThread().interrupt();
            throw new SourceException("stopped while waiting for " + shown);
        } finally {
            f.cancel(true); // no-op once done
            pending = null;
        }
    }

    /** Why an answer is not a stream or a picture, in words for the placeholder. */
    private SourceException refused(HttpResponse<?> r) {
        int code = r.statusCode();
        if (code == 508) {
            return relayPath.loopDetected();
        }
        if (code == 401 || code == 403) {
            return new SourceException(shown + " answered HTTP " + code + (authorization == null
                    ? ": it wants a user and password (http://user:password@host/...)"
                    : ": the user or password is wrong"));
        }
        if (code != 200) {
            return new SourceException(shown + " answered HTTP " + code);
        }
        return new SourceException(shown + " answered " + contentType(r.headers())
                + ", not an MJPEG stream or a JPEG picture");
    }

    private static String contentType(HttpHeaders h) {
        String t = h.firstValue("Content-Type").orElse("no Content-Type");
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }

    /** A failed exchange in words; the URL in it is the masked one. */
    private String why(Throwable t) {
        int connect = options.connectTimeoutSeconds();
        String text;
        if (t instanceof HttpConnectTimeoutException) {
            text = "no connection to " + shown + " within " + connect + " s";
        } else if (t instanceof HttpTimeoutException) {
            text = "no answer from " + shown + " within " + options.readTimeoutSeconds() + " s";
        } else if (t instanceof ConnectException) {
            text = "cannot connect to " + shown + (t.getMessage() == null ? " (connection refused)" : " (" + t.getMessage() + ")");
        } else if (t instanceof SSLException) {
            text = "TLS with " + shown + " failed: " + t.getMessage();
        } else if (t instanceof java.io.EOFException) {
            text = shown + " closed the connection";
        } else if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains("redirect")) {
            text = shown + ": " + t.getMessage();
        } else if (t instanceof IOException) {
            text = "the connection to " + shown + " failed" + (t.getMessage() == null ? "" : ": " + t.getMessage());
        } else {
            LOG.log(Level.FINE, "Camera '" + cfg.id() + "': exchange with " + shown + " failed", t);
            text = "the connection to " + shown + " failed: " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        return SourceSpec.mask(text);
    }
}
