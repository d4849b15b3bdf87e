package camstream.source;

import camstream.config.CameraConfig;
import camstream.config.SourceOptions;
import camstream.config.SourceSpec;
import camstream.stream.Via;

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
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * How a relay camera asks its upstream for something, whatever the format: the URL without its
 * {@code user:password@} (sent as HTTP Basic authorization instead, and shown masked), this camera's
 * hop in {@link Via#HEADER}, the connect and read timeouts, and what went wrong in words for viewers.
 * An MJPEG relay and an H.264 relay of one camera ask the same way.
 */
final class RelayRequest {

    private static final Logger LOG = Logger.getLogger(RelayRequest.class.getName());

    private final CameraConfig cfg;
    private final SourceOptions options;
    private final URI uri;
    private final String authorization;
    private final String shown;
    private final RelayPath path;
    /** The exchange waiting for its answer; the capture thread's, cancelled by {@link #cancel}. */
    private volatile CompletableFuture<?> pending;

    /** @param url as parsed by {@link SourceSpec}: http or https, with a host */
    RelayRequest(CameraConfig cfg, String url, Via.Hop self) {
        this.cfg = cfg;
        this.options = cfg.options();
        URI full = URI.create(url);
        String authority = full.getRawAuthority();
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        String p = full.getRawPath() == null || full.getRawPath().isEmpty() ? "/" : full.getRawPath();
        this.uri = URI.create(full.getScheme().toLowerCase(Locale.ROOT) + "://" + hostPort + p
                + (full.getRawQuery() == null ? "" : "?" + full.getRawQuery()));
        String user = full.getUserInfo();
        this.authorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8));
        this.shown = SourceSpec.mask(url);
        this.path = new RelayPath(self, shown);
    }

    /** The upstream's URL as viewers may see it. */
    String shown() {
        return shown;
    }

    RelayPath path() {
        return path;
    }

    /**
     * Sends a GET and waits for its answer (the headers of a stream, or the whole of a picture); on
     * failure, {@code cancel} ends what the body handler began.
     */
    HttpResponse<Void> send(HttpResponse.BodyHandler<Void> handler, Runnable cancel) throws SourceException {
        HttpClient client;
        try {
            client = RelayClients.get(options.connectTimeoutSeconds());
        } catch (IllegalStateException e) {
            throw new SourceException(e.getMessage());
        }
        int read = options.readTimeoutSeconds();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(read)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        b.header(Via.HEADER, path.request());
        CompletableFuture<HttpResponse<Void>> f = client.sendAsync(b.build(), handler);
        pending = f;
        try {
            return f.get(options.connectTimeoutSeconds() + read + 1L, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            cancel.run();
            throw new SourceException("no answer from " + shown + " within " + read + " s");
        } catch (ExecutionException e) {
            cancel.run();
            throw new SourceException(why(e.getCause()));
        } catch (InterruptedException e) {
            cancel.run();
            Thread.currentThread().interrupt();
            throw new SourceException("stopped while waiting for " + shown);
        } finally {
            f.cancel(true); // no-op once done
            pending = null;
        }
    }

    /** Gives up the exchange that waits for its answer, if any. */
    void cancel() {
        CompletableFuture<?> f = pending;
        if (f != null) {
            f.cancel(true);
        }
    }

    /** Why an answer is not what was asked for ({@code wanted}, e.g. "an MJPEG stream"), in words for the placeholder. */
    SourceException refused(HttpResponse<?> r, String wanted) {
        int code = r.statusCode();
        if (code == 508) {
            return path.loopDetected();
        }
        if (code == 401 || code == 403) {
            return new SourceException(shown + " answered HTTP " + code + (authorization == null
                    ? ": it wants a user and password (http://user:password@host/...)"
                    : ": the user or password is wrong"));
        }
        if (code != 200) {
            return new SourceException(shown + " answered HTTP " + code);
        }
        return new SourceException(shown + " answered " + contentType(r.headers()) + ", not " + wanted);
    }

    static String contentType(HttpHeaders h) {
        String t = h.firstValue("Content-Type").orElse("no Content-Type");
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }

    /** A failed exchange in words; the URL in it is the masked one. */
    String why(Throwable t) {
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
