package camstream.it.support;

import camstream.support.PictureSocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Viewers of one camera that stay with the server across redeploys, as open pages do: {@code n}
 * streams (every other one the H.264 stream, {@code /stream/{camera}.mp4}, the rest multipart) and
 * {@code n} WebSockets, each connecting again shortly after the server ended or refused it. A viewer counts as watching from its first picture after it connected until it ends.
 */
public final class ReconnectingViewers implements AutoCloseable {

    /** How long a viewer waits before it connects again, as a page's script would. */
    private static final long RETRY_MILLIS = 250;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI stream;
    private final URI video;
    private final URI socket;
    private final String camera;
    private final AtomicInteger watchingStreams = new AtomicInteger();
    private final Set<CompletableFuture<?>> openStreams = ConcurrentHashMap.newKeySet();
    private final Set<PictureSocket> openSockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ReconnectingViewers(ServletContainer server, String camera) {
        this.stream = server.url("/stream/" + camera);
        this.video = server.url("/stream/" + camera + ".mp4");
        this.socket = URI.create(server.url("/socket").toString().replaceFirst("^http", "ws"));
        this.camera = camera;
    }

    /** Starts {@code n} HTTP stream viewers (multipart and H.264, half each) and {@code n} WebSocket viewers of {@code camera}. */
    public static ReconnectingViewers watch(ServletContainer server, String camera, int n) {
        ReconnectingViewers v = new ReconnectingViewers(server, camera);
        for (int i = 0; i < n; i++) {
            v.openStream(i % 2 == 0 ? v.stream : v.video);
            v.openSocket();
        }
        return v;
    }

    /** HTTP stream viewers that received bytes of a stream since they last connected. */
    public int watchingStreams() {
        return watchingStreams.get();
    }

    /** WebSocket viewers that received a picture since they last connected. */
    public int watchingSockets() {
        return (int) openSockets.stream().filter(s -> !s.closed().isDone() && s.count(camera) > 0).count();
    }

    private void openStream(URI uri) {
        if (closed) {
            return;
        }
        AtomicBoolean watching = new AtomicBoolean();
        CompletableFuture<HttpResponse<Void>> response = http.sendAsync(HttpRequest.newBuilder(uri).build(),
                info -> info.statusCode() != 200 ? HttpResponse.BodySubscribers.discarding()
                        : HttpResponse.BodySubscribers.ofByteArrayConsumer(bytes -> {
                            if (bytes.isPresent() && watching.compareAndSet(false, true)) {
                                watchingStreams.incrementAndGet();
                            }
                        }));
        openStreams.add(response);
        response.whenComplete((r, e) -> {
            openStreams.remove(response);
            if (watching.get()) {
                watchingStreams.decrementAndGet();
            }
            later(() -> openStream(uri));
        });
    }

    private void openSocket() {
        if (closed) {
            return;
        }
        // PictureSocket opens and sends blocking, for at most a few seconds each.
        CompletableFuture.runAsync(() -> {
            PictureSocket s = null;
            try {
                s = PictureSocket.open(socket);
                s.watch(camera);
            } catch (Exception refused) {
                if (s != null) {
                    s.close();
                }
                later(this::openSocket);
                return;
            }
            PictureSocket open = s;
            openSockets.add(open);
            open.closed().whenComplete((reason, e) -> {
                openSockets.remove(open);
                later(this::openSocket);
            });
        });
    }

    private void later(Runnable connect) {
        if (!closed) {
            CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS).execute(connect);
        }
    }

    /** Ends every viewer for good. */
    @Override
    public void close() {
        closed = true;
        openSockets.forEach(PictureSocket::close);
        openStreams.forEach(r -> r.cancel(true));
    }
}
