package camstream.stream;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One connected stream. Holds at most one pending frame (the newest); older ones are dropped.
 *
 * <p>Who writes is decided by one state machine, so that the capture thread, the writer pool and
 * the container's {@code onWritePossible} never write at the same time:
 * <pre>
 *   WAITING --onWritePossible--> BUSY          container says the last write drained
 *   IDLE    --offer-----------> BUSY          new frame while nothing is in flight: run drain() on the pool
 *                                             (the broadcaster does, in batches of viewers)
 *   BUSY    --isReady false---> WAITING       the container will call onWritePossible
 *   BUSY    --onWritePossible-> WRITABLE      it came while drain() was still deciding: drain() goes on
 *   BUSY    --nothing to send-> IDLE
 *   any     --close-----------> CLOSED
 * </pre>
 */
public final class Viewer implements WriteListener, AsyncListener {

    private static final Logger LOG = Logger.getLogger(Viewer.class.getName());

    private static final int WAITING = 0;
    private static final int BUSY = 1;
    private static final int WRITABLE = 2;
    private static final int IDLE = 3;
    private static final int CLOSED = 4;

    private final String camera;
    private final String client;
    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Broadcaster broadcaster;
    private final Executor writers;
    private final long stallNanos;
    private final Runnable drainTask = this::drain;

    private final AtomicInteger state = new AtomicInteger(WAITING);
    private final AtomicReference<Frame> pending = new AtomicReference<>();
    /** Set first by any path that ends the stream; the drainer stops writing when it sees it. */
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Makes close() run once. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Object outputLock = new Object();
    private volatile String failure;
    private volatile long waitingSince = System.nanoTime();

    // Touched only by the thread that holds BUSY.
    // The first flush sends the response head alone, before any frame exists.
    private boolean needFlush = true;
    private long framesSent;
    private long lastSequence = -1;

    public Viewer(String camera, String client, AsyncContext async, Broadcaster broadcaster, Executor writers,
                  long stallNanos) throws IOException {
        this.camera = camera;
        this.client = client;
        this.async = async;
        this.out = async.getResponse().getOutputStream();
        this.broadcaster = broadcaster;
        this.writers = writers;
        this.stallNanos = stallNanos;
    }

    /** Joins the broadcaster and starts writing; the container may call onWritePossible at once, on another thread. */
    public void start() {
        async.addListener(this);
        broadcaster.add(this);
        LOG.info(() -> "Viewer " + client + " connected to camera '" + camera + "' (" + broadcaster.viewerCount()
                + " watching)");
        out.setWriteListener(this);
    }

    /**
     * Called by the capture thread: replaces the pending frame. Returns true when this call moved the
     * viewer from IDLE to BUSY: the caller must then run {@link #drain} on the writer pool, through
     * {@link #drainLater} or in a {@link Broadcaster} batch.
     */
    boolean offer(Frame frame) {
        if (closed.get()) {
            return false;
        }
        if (pending.getAndSet(frame) != null) {
            broadcaster.countSkipped();
        }
        int s = state.get();
        if (s == IDLE) {
            return state.compareAndSet(IDLE, BUSY);
        }
        if (s == WAITING && System.nanoTime() - waitingSince > stallNanos) {
            close("stalled: accepted no bytes for " + stallNanos / 1_000_000_000L + " s");
        }
        return false;
    }

    /** Runs {@link #drain} on the writer pool, after {@link #offer} returned true. */
    void drainLater() {
        try {
            writers.execute(drainTask);
        } catch (RejectedExecutionException e) {
            close("server stopping");
        }
    }

    Executor writers() {
        return writers;
    }

    @Override
    public void onWritePossible() {
        for (;;) {
            int s = state.get();
            if (s == WAITING) {
                if (state.compareAndSet(WAITING, BUSY)) {
                    drain();
                    return;
                }
            } else if (s == BUSY) {
                if (state.compareAndSet(BUSY, WRITABLE)) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    /**
     * Writes while the container accepts bytes. Runs only while this viewer is BUSY, and holds
     * {@code outputLock} so that close() never completes the response in the middle of a write:
     * after completion the container may recycle the output stream for another request.
     */
    void drain() {
        synchronized (outputLock) {
            try {
                drainLocked();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "Write to " + client + " failed");
                closed.set(true);
                failure = "write failed: " + e.getClass().getSimpleName();
            }
        }
        if (closed.get()) {
            close(failure == null ? "closed" : failure);
        }
    }

    private void drainLocked() throws IOException {
        for (;;) {
            if (closed.get()) {
                return;
            }
            if (!out.isReady()) {
                waitingSince = System.nanoTime();
                if (state.compareAndSet(BUSY, WAITING)) {
                    return;
                }
                // onWritePossible came in between (WRITABLE), or close() (CLOSED).
                if (!state.compareAndSet(WRITABLE, BUSY)) {
                    return;
                }
                continue;
            }
            if (needFlush) {
                needFlush = false;
                out.flush();
                continue;
            }
            Frame f = pending.getAndSet(null);
            if (f != null) {
                if (f.sequence() > lastSequence) {
                    // The opening delimiter rides with the first part: written alone, it is small enough
                    // for Jetty to aggregate, and Jetty then holds a 32 KB buffer for the rest of the stream.
                    out.write(framesSent == 0 ? f.openingPart() : f.part());
                    lastSequence = f.sequence();
                    framesSent++;
                    needFlush = true;
                }
                continue;
            }
            if (!state.compareAndSet(BUSY, IDLE)) {
                if (!state.compareAndSet(WRITABLE, BUSY)) {
                    return;
                }
                continue;
            }
            // A frame offered between the last poll and IDLE would otherwise wait for the next one.
            if (pending.get() == null || !state.compareAndSet(IDLE, BUSY)) {
                return;
            }
        }
    }

    /** Ends this stream once, from whichever path gets here first. */
    public void close(String why) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed.set(true);
        state.set(CLOSED);
        pending.set(null);
        broadcaster.remove(this);
        synchronized (outputLock) {
            try {
                async.complete();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "Completing " + client + " failed");
            }
        }
        LOG.info(() -> "Viewer " + client + " disconnected from camera '" + camera + "' after " + framesSent
                + " frames (" + why + "); " + broadcaster.viewerCount() + " watching");
    }

    @Override
    public void onError(Throwable t) {
        close("connection error: " + t.getClass().getSimpleName());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close("completed");
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close("timed out");
    }

    @Override
    public void onError(AsyncEvent event) {
        Throwable t = event.getThrowable();
        close("connection error: " + (t == null ? "unknown" : t.getClass().getSimpleName()));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
