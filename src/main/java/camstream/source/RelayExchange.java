package camstream.source;

import camstream.config.CameraConfig;
import camstream.config.SourceOptions;
import camstream.stream.Via;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One exchange's body: a stream parsed as it arrives, a single picture, or an answer refused
 * unread (its connection is closed). Body callbacks come one at a time on the relay threads;
 * the capture thread takes pictures with {@link #take} and ends it with {@link #cancel}. A part over
 * the maximum size or a picture that went round a relay loop ends it too, its connection closed.
 */
final class RelayExchange implements HttpResponse.BodySubscriber<Void>, MultipartParser.Sink {

    enum Kind { NONE, STREAM, PICTURE, REFUSED }

    private static final Logger LOG = Logger.getLogger(RelayExchange.class.getName());
    /** Upstream timestamps further than this from this host's clock are not taken as capture times. */
    private static final long AHEAD_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final long BEHIND_MICROS = TimeUnit.DAYS.toMicros(1);

    private final CameraConfig cfg;
    private final SourceOptions options;
    private final String shown;
    private final RelayPath path;
    private final RelayCounters counters;
    /** A failed exchange in words. */
    private final Function<Throwable, String> inWords;

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

    /** @param shown the upstream's URL as viewers may see it */
    RelayExchange(CameraConfig cfg, String shown, RelayPath path, RelayCounters counters,
                  Function<Throwable, String> inWords) {
        this.cfg = cfg;
        this.options = cfg.options();
        this.shown = shown;
        this.path = path;
        this.counters = counters;
        this.inWords = inWords;
    }

    Kind kind() {
        return kind;
    }

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
            pictureTimestamp = info.headers().firstValue("X-Timestamp").map(PartValues::parseTimestamp).orElse(-1L);
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
            counters.tooLarge.incrementAndGet();
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
        counters.tooLarge.addAndGet(parser.tooLarge() - seenTooLarge);
        counters.notJpeg.addAndGet(parser.notJpeg() - seenNotJpeg);
        counters.cutShort.addAndGet(parser.cutShort() - seenCutShort);
        counters.resyncs.addAndGet(parser.resyncs() - seenResyncs);
        seenTooLarge = parser.tooLarge();
        seenNotJpeg = parser.notJpeg();
        seenCutShort = parser.cutShort();
        seenResyncs = parser.resyncs();
    }

    @Override
    public void onError(Throwable t) {
        end(inWords.apply(t));
        body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        if (kind == Kind.PICTURE) {
            int end = PartValues.jpegEnd(picture, pictureLength);
            if (end > 0) {
                part(Arrays.copyOf(picture, end), pictureTimestamp, pictureVia);
                body.complete(null);
            } else {
                counters.notJpeg.incrementAndGet();
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
                counters.replaced.incrementAndGet();
            }
            latest = f;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A part over the maximum: the upstream is given up at once, as for any other protocol error. */
    @Override
    public void tooLarge(long declaredLength) {
        String max = "the maximum of " + options.maxPartBytes() + " bytes (" + cfg.key("maxPartSize") + ")";
        fail(new SourceException(shown + (declaredLength < 0 ? " sent a part over " + max
                : " declared a part of " + (declaredLength == Long.MAX_VALUE ? "over 10^18" : declaredLength)
                + " bytes, over " + max)));
    }

    /** Ends the exchange: its connection is closed, and the capture thread told why instead of any picture waiting. */
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

    /** The upstream's capture time, if it is believable as one on this host's clock; else -1. */
    private static long believable(long micros) {
        long now = System.currentTimeMillis() * 1000;
        return micros > 0 && micros < now + AHEAD_MICROS && micros > now - BEHIND_MICROS ? micros : -1;
    }
}
