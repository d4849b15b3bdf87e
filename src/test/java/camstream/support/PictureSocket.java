package camstream.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A page's WebSocket for tests, through the JDK's client: sends {@code watch} requests and receives
 * the pictures. Keeps the newest 64 pictures for {@link #next} and counts all of them per camera.
 */
public final class PictureSocket implements AutoCloseable {

    /** One picture as received: camera id, capture time, JPEG. */
    public record Picture(String camera, long timestampMicros, byte[] jpeg, long arrivalNanos) {
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int KEPT = 64;

    private final BlockingQueue<Picture> pictures = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private WebSocket socket;

    private PictureSocket() {
    }

    /** Opens {@code uri} (ws://...), with an {@code Origin} header if {@code origin} is not null. */
    public static PictureSocket open(URI uri, String origin) throws Exception {
        PictureSocket s = new PictureSocket();
        WebSocket.Builder b = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            b.header("Origin", origin);
        }
        s.socket = b.buildAsync(uri, s.new Listener()).get(10, TimeUnit.SECONDS);
        return s;
    }

    public static PictureSocket open(URI uri) throws Exception {
        return open(uri, null);
    }

    /** The ws:// URI of an http:// one. */
    public static URI ws(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    /** Asks for exactly these cameras; none pauses them all. */
    public PictureSocket watch(String... cameras) throws Exception {
        send("watch " + String.join(",", cameras));
        return this;
    }

    public void send(String text) throws Exception {
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    /** The next picture received, waiting up to {@code timeout}; fails if none came. */
    public Picture next(Duration timeout) throws InterruptedException {
        Picture p = pictures.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (p == null) {
            throw new AssertionError("no picture within " + timeout + (closed.isDone() ? "; closed: " + closed.join() : ""));
        }
        return p;
    }

    /** Forgets the pictures kept so far, so that {@link #next} returns only newer ones. */
    /** The next text message (what the server tells the page in words), or null after {@code timeout}. */
    public String nextText(Duration timeout) throws InterruptedException {
        return texts.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void clear() {
        pictures.clear();
    }

    /** Pictures of {@code camera} received so far. */
    public long count(String camera) {
        AtomicLong n = counts.get(camera);
        return n == null ? 0 : n.get();
    }

    /** Completes with "status reason" when the server closes the socket, or with the error that ended it. */
    public CompletableFuture<String> closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            message.writeBytes(chunk);
            if (last) {
                byte[] m = message.toByteArray();
                message.reset();
                int n = m[0] & 0xff;
                String camera = new String(m, 1, n, StandardCharsets.US_ASCII);
                long ts = ByteBuffer.wrap(m, 1 + n, 8).getLong();
                byte[] jpeg = java.util.Arrays.copyOfRange(m, 1 + n + 8, m.length);
                counts.computeIfAbsent(camera, c -> new AtomicLong()).incrementAndGet();
                pictures.add(new Picture(camera, ts, jpeg, System.nanoTime()));
                while (pictures.size() > KEPT) {
                    pictures.poll();
                }
            }
            ws.request(1);
            return null;
        }

        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                texts.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete("error " + error);
        }
    }
}
