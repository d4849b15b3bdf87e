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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
    /** Upstream timestamps further than this from this host's clock are not taken as capture times. */
    private static final long AHEAD_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final long BEHIND_MICROS = TimeUnit.DAYS.toMicros(1);

    private final CameraConfig cfg;
    private final SourceOptions options;
    private final URI uri;
    private final String authorization;
    private final String shown;
    private final RelayPath path;
    private final AtomicLong tooLarge = new AtomicLong();
    private final AtomicLong notJpeg = new AtomicLong();
    private final AtomicLong cutShort = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong replaced = new AtomicLong();

    // Capture thread only.
    private Upstream stream;
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
        this.path = new RelayPath(self, shown);
    }

    @Override
    public void open() throws SourceException {
        close();
        Upstream u = new Upstream();
        HttpResponse<Void> r = send(u);
        switch (u.kind) {
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
        Upstream u = new Upstream();
        HttpResponse<Void> r = send(u);
        if (u.kind != Kind.PICTURE) {
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
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("too_large", tooLarge.get());
        m.put("not_jpeg", notJpeg.get());
        m.put("cut_short", cutShort.get());
        m.put("garbage", resyncs.get());
        m.put("replaced", replaced.get());
        return m;
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

    /** Sends a GET and waits for its answer: the headers of a stream, or the whole of a picture. */
    private HttpResponse<Void> send(Upstream u) throws SourceException {
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
        b.header(Via.HEADER, path.request());
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

    /** The upstream's capture time, if it is believable as one on this host's clock; else -1. */
    private static long believable(long micros) {
        long now = System.currentTimeMillis() * 1000;
        return micros > 0 && micros < now + AHEAD_MICROS && micros > now - BEHIND_MICROS ? micros : -1;
    }

    private enum Kind { NONE, STREAM, PICTURE, REFUSED }

    /**
     * One exchange's body: a stream parsed as it arrives, a single picture, or an answer refused
     * unread (its connection is closed). Body callbacks come one at a time on the relay threads;
     * the capture thread takes pictures with {@link #take} and ends it with {@link #cancel}.
     */
    private final class Upstream implements HttpResponse.BodySubscriber<Void>, MultipartParser.Sink {

        private final CompletableFuture<Void> body = new CompletableFuture<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();
        private volatile Kind kind = Kind.NONE;
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;

        // Relay threads only.
        private MultipartParser parser;
        private long seenTooLarge;
        private long seenNotJpeg;
        private long seenCutShort;
        private long seenResyncs;
        private byte[] picture = new byte[0];
        private int pictureLength;
        private long pictureTimestamp;
        private String pictureVia;

        // Guarded by lock.
        private JpegFrame latest;
        private SourceException ended;

        /** The body handler: decides from the status and headers what to do with the body. */
        HttpResponse.BodySubscriber<Void> choose(HttpResponse.ResponseInfo info) {
            String type = info.headers().firstValue("Content-Type").orElse("");
            String lower = type.toLowerCase(Locale.ROOT).strip();
            if (info.statusCode() == 200 && lower.startsWith("multipart/")) {
                kind = Kind.STREAM;
                parser = new MultipartParser(MultipartParser.boundary(type), options.maxPartBytes(), this);
                body.complete(null); // the exchange is answered with the headers; pictures follow
            } else if (info.statusCode() == 200 && (lower.startsWith("image/jpeg") || lower.startsWith("image/jpg")
                    || lower.startsWith("image/pjpeg"))) {
                kind = Kind.PICTURE;
                pictureTimestamp = info.headers().firstValue("X-Timestamp").map(MultipartParser::parseTimestamp).orElse(-1L);
                pictureVia = info.headers().firstValue(Via.HEADER).orElse(null);
            } else {
                kind = Kind.REFUSED;
                body.complete(null);
            }
            return this;
        }

        @Override
        public CompletableFuture<Void> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (cancelled || kind == Kind.REFUSED) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (cancelled) {
                return;
            }
            try {
                for (ByteBuffer b : buffers) {
                    if (kind == Kind.STREAM) {
                        parser.feed(b);
                    } else if (!collect(b)) {
                        return;
                    }
                    if (cancelled) {
                        break; // the parser's sink gave up on this upstream
                    }
                }
                if (kind == Kind.STREAM) {
                    count();
                }
            } catch (RuntimeException e) {
                // A bug in the parser must cost this connection only, never a relay thread.
                LOG.log(Level.WARNING, "Camera '" + cfg.id() + "': reading " + shown + " failed", e);
                fail(new SourceException("reading " + shown + " failed: " + e));
                return;
            }
            if (!cancelled) {
                subscription.request(1);
            }
        }

        /** Appends to the single picture; false (and the exchange ends) when it grows over the maximum. */
        private boolean collect(ByteBuffer b) {
            int n = b.remaining();
            if ((long) pictureLength + n > options.maxPartBytes()) {
                tooLarge.incrementAndGet();
                cancelled = true;
                subscription.cancel();
                body.completeExceptionally(new IOException("its picture is over the maximum of "
                        + options.maxPartBytes() + " bytes (" + cfg.key("maxPartSize") + ")"));
                return false;
            }
            if (pictureLength + n > picture.length) {
                picture = Arrays.copyOf(picture, Math.min(options.maxPartBytes(),
                        Math.max(pictureLength + n, Math.max(64 * 1024, picture.length * 2))));
            }
            b.get(picture, pictureLength, n);
            pictureLength += n;
            return true;
        }

        /** Adds what the parser counted since last time to the camera's counters. */
        private void count() {
            tooLarge.addAndGet(parser.tooLarge() - seenTooLarge);
            notJpeg.addAndGet(parser.notJpeg() - seenNotJpeg);
            cutShort.addAndGet(parser.cutShort() - seenCutShort);
            resyncs.addAndGet(parser.resyncs() - seenResyncs);
            seenTooLarge = parser.tooLarge();
            seenNotJpeg = parser.notJpeg();
            seenCutShort = parser.cutShort();
            seenResyncs = parser.resyncs();
        }

        @Override
        public void onError(Throwable t) {
            end(why(t));
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (kind == Kind.PICTURE) {
                int end = MultipartParser.jpegEnd(picture, pictureLength);
                if (end > 0) {
                    part(Arrays.copyOf(picture, end), pictureTimestamp, pictureVia);
                    body.complete(null);
                } else {
                    notJpeg.incrementAndGet();
                    body.completeExceptionally(new IOException("its answer is not a whole JPEG picture"));
                }
                return;
            }
            end(shown + " ended the stream");
            body.complete(null);
        }

        /** A whole picture: it replaces any the capture thread has not taken yet, unless it went round a loop. */
        @Override
        public void part(byte[] jpeg, long timestampMicros, String via) {
            if (cancelled) {
                return;
            }
            Via came;
            try {
                came = path.check(via);
            } catch (SourceException e) {
                fail(e);
                return;
            }
            JpegFrame f = new JpegFrame(jpeg, jpeg.length, believable(timestampMicros), came);
            lock.lock();
            try {
                if (latest != null) {
                    replaced.incrementAndGet();
                }
                latest = f;
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** A part over the maximum: this upstream is given up at once, its connection closed, as for any other protocol error. */
        @Override
        public void tooLarge(long declaredLength) {
            String max = "the maximum of " + options.maxPartBytes() + " bytes (" + cfg.key("maxPartSize") + ")";
            fail(new SourceException(shown + (declaredLength < 0 ? " sent a part over " + max
                    : " declared a part of " + (declaredLength == Long.MAX_VALUE ? "over 10^18" : declaredLength)
                    + " bytes, over " + max)));
        }

        /** Ends the exchange: its connection is closed, and the capture thread is told why instead of any picture waiting. */
        private void fail(SourceException why) {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            end(why, true);
        }

        private void end(String why) {
            end(new SourceException(why), false);
        }

        /** The exchange is over: the capture thread's next take says why, after the waiting picture unless it is dropped. */
        private void end(SourceException why, boolean dropPicture) {
            lock.lock();
            try {
                if (dropPicture) {
                    latest = null;
                }
                if (ended == null) {
                    ended = why;
                }
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** The single picture of a PICTURE exchange, once its body completed. */
        JpegFrame picture() throws SourceException {
            lock.lock();
            try {
                if (latest == null) {
                    throw ended != null ? ended : new SourceException(shown + " sent no picture");
                }
                JpegFrame f = latest;
                latest = null;
                return f;
            } finally {
                lock.unlock();
            }
        }

        /** Waits for the next whole picture of a stream, at most {@code nanos}. */
        JpegFrame take(long nanos) throws SourceException {
            long left = nanos;
            lock.lock();
            try {
                while (latest == null && ended == null) {
                    if (left <= 0) {
                        throw new SourceException("no picture from " + shown + " for "
                                + TimeUnit.NANOSECONDS.toSeconds(nanos) + " s");
                    }
                    try {
                        left = arrived.awaitNanos(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SourceException("stopped while waiting for " + shown);
                    }
                }
                if (latest == null) {
                    throw ended;
                }
                JpegFrame f = latest;
                latest = null;
                return f;
            } finally {
                lock.unlock();
            }
        }

        /** Ends the exchange without waiting for the network; its connection is closed. */
        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            end("closed");
        }
    }
}
