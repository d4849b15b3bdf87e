package camstream.source;

import camstream.stream.Via;
import camstream.video.AccessUnit;
import camstream.video.Fmp4Reader;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
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
 * One exchange with an upstream camstream's H.264 stream ({@code video/mp4}): its fragments read as
 * they arrive ({@link Fmp4Reader}) on the relay threads, each frame queued for the capture thread as
 * it came. Frames are never dropped one by one (the next ones refer to them): while the queue is full
 * no more is asked of the connection, so a capture thread that falls behind slows the upstream's
 * writes to this relay, and the upstream skips this viewer to its next keyframe as it does for any.
 * A malformed stream or a loop ends the exchange, its connection closed.
 */
final class VideoRelayExchange implements HttpResponse.BodySubscriber<Void>, Fmp4Reader.Sink {

    private static final Logger LOG = Logger.getLogger(VideoRelayExchange.class.getName());
    /** Frames and bytes waiting for the capture thread at most before the connection is read no further. */
    static final int MAX_WAITING = 120;
    static final long MAX_WAITING_BYTES = 16L << 20;

    private final String camera;
    private final String shown;
    private final int maxSample;
    private final RelayPath path;
    private final Function<Throwable, String> inWords;

    private final CompletableFuture<Void> body = new CompletableFuture<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private volatile boolean stream;
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;
    /** Why a stream that was answered is not taken: it went round a loop, or through too many camstreams. */
    private volatile SourceException refusal;
    /** The camstreams the stream came through, as the upstream's answer named them. */
    private volatile Via came = Via.NONE;

    // Relay threads only (body callbacks come one at a time).
    private Fmp4Reader reader;
    // Guarded by lock.
    private final ArrayDeque<AccessUnit> waiting = new ArrayDeque<>();
    private long waitingBytes;
    /** Whether the next buffer is to be asked for once the capture thread took some frames. */
    private boolean paused;
    private SourceException ended;
    private long units;

    /** @param shown the upstream's URL as viewers may see it */
    VideoRelayExchange(String camera, String shown, int maxSample, RelayPath path, Function<Throwable, String> inWords) {
        this.camera = camera;
        this.shown = shown;
        this.maxSample = maxSample;
        this.path = path;
        this.inWords = inWords;
    }

    /** Whether the upstream answered with an H.264 stream. */
    boolean streaming() {
        return stream;
    }

    /** The body handler: an fMP4 stream is read; any other answer is refused unread. */
    HttpResponse.BodySubscriber<Void> choose(HttpResponse.ResponseInfo info) {
        String type = info.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT).strip();
        if (info.statusCode() == 200 && type.startsWith("video/mp4")) {
            try {
                came = path.check(info.headers().firstValue(Via.HEADER).orElse(null));
                stream = true;
                reader = new Fmp4Reader(maxSample, this);
            } catch (SourceException e) {
                refusal = e;
                fail(e);
            }
        }
        body.complete(null); // answered with the headers; frames follow
        return this;
    }

    @Override
    public CompletableFuture<Void> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled || !stream) {
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
                reader.feed(b);
            }
        } catch (Fmp4Reader.Malformed e) {
            fail(new SourceException(shown + " sent a stream that is not camstream's H.264 (fMP4): " + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            // A bug in the reader must cost this connection only, never a relay thread.
            LOG.log(Level.WARNING, "Camera '" + camera + "': reading " + shown + " failed", e);
            fail(new SourceException("reading " + shown + " failed: " + e));
            return;
        }
        boolean more;
        lock.lock();
        try {
            more = !full();
            paused = !more;
        } finally {
            lock.unlock();
        }
        if (more && !cancelled) {
            subscription.request(1);
        }
    }

    /** One frame from the reader: queued for the capture thread. */
    @Override
    public void sample(AccessUnit unit, long duration) {
        lock.lock();
        try {
            waiting.add(unit);
            waitingBytes += unit.bytes();
            units++;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean full() {
        return waiting.size() >= MAX_WAITING || waitingBytes >= MAX_WAITING_BYTES;
    }

    @Override
    public void onError(Throwable t) {
        end(new SourceException(inWords.apply(t)));
        body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        end(new SourceException(shown + (reader != null && reader.inFragment()
                ? " closed the connection in the middle of a frame" : " ended the stream")));
        body.complete(null);
    }

    /** Waits for the next frame, at most {@code nanos}; the frames that came before the end are taken first. */
    AccessUnit take(long nanos) throws SourceException {
        long left = nanos;
        boolean resume;
        AccessUnit u;
        lock.lock();
        try {
            while (waiting.isEmpty() && ended == null) {
                if (left <= 0) {
                    throw new SourceException("no video from " + shown + " for " + TimeUnit.NANOSECONDS.toSeconds(nanos) + " s");
                }
                try {
                    left = arrived.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SourceException("stopped while waiting for " + shown);
                }
            }
            u = waiting.poll();
            if (u == null) {
                throw ended;
            }
            waitingBytes -= u.bytes();
            resume = paused && !full();
            if (resume) {
                paused = false;
            }
        } finally {
            lock.unlock();
        }
        Flow.Subscription s = subscription;
        if (resume && s != null && !cancelled) {
            s.request(1);
        }
        return u;
    }

    /** Frames received so far. */
    long units() {
        lock.lock();
        try {
            return units;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the exchange at once: its connection is closed, and the capture thread told why, frames waiting dropped. */
    private void fail(SourceException why) {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        lock.lock();
        try {
            waiting.clear();
            waitingBytes = 0;
        } finally {
            lock.unlock();
        }
        end(why);
    }

    private void end(SourceException why) {
        lock.lock();
        try {
            if (ended == null) {
                ended = why;
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The camstreams the stream came through, as the upstream named them when it answered. */
    Via came() {
        return came;
    }

    /** Why an H.264 stream that was answered is not taken (a relay loop), or null. */
    SourceException refusal() {
        return refusal;
    }

    /** Ends the exchange without waiting for the network; its connection is closed. */
    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        end(new SourceException("closed"));
    }
}
