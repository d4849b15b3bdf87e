package camstream.web;

import camstream.stream.AtomicEnum;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.PendingFrame;
import camstream.stream.Viewer;
import camstream.stream.ViewerStats;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One connected {@code multipart/x-mixed-replace} stream. Holds at most one pending frame, the
 * newest; older ones are skipped.
 *
 * <p>Who may touch the output is decided by one state machine. Exactly one thread, the writer, owns
 * it in WRITING; the writer is whoever moved the viewer there (an offer on the executor, or the
 * container's {@code onWritePossible}). The writer is also the one that completes the response when
 * a close arrives meanwhile, so the response is never completed in the middle of a write and no
 * lock is held while calling into the container.
 * <pre>
 *   WAITING       --onWritePossible------> WRITING        the container says the output is ready
 *   IDLE          --offer----------------> WRITING        offer() returns true: drain() runs on the executor
 *   WRITING       --isReady() false------> WAITING        the container will call onWritePossible
 *   WRITING       --onWritePossible------> WRITING_AGAIN  it came while the writer was deciding to wait
 *   WRITING_AGAIN --writer sees it-------> WRITING        the writer asks isReady() again instead of waiting
 *   WRITING       --nothing pending------> IDLE
 *   IDLE, WAITING --close----------------> CLOSED         nobody writes: the closing thread completes
 *   WRITING(_AGAIN) --close--------------> CLOSING        the writer completes when its write returns
 *   CLOSING       --writer sees it-------> CLOSED
 * </pre>
 */
public final class MultipartViewer implements Viewer, WriteListener, AsyncListener {

    private static final Logger LOG = Logger.getLogger(MultipartViewer.class.getName());
    /** How long a container callback that ends the stream waits for a write in progress to return. */
    private static final long WRITER_WAIT_MILLIS = 2000;

    enum State {
        /** The container owes an onWritePossible: at the start, and after isReady() returned false. */
        WAITING,
        /** The output is ready and nothing is pending; the next offer makes the offerer's executor the writer. */
        IDLE,
        /** One thread, the writer, owns the output. */
        WRITING,
        /** onWritePossible arrived while WRITING; the writer checks isReady() again before it waits. */
        WRITING_AGAIN,
        /** close() arrived while WRITING; the writer completes the response. */
        CLOSING,
        /** The response is completed, or being completed by the thread that moved here. */
        CLOSED
    }

    private final String camera;
    private final String client;
    private final ServletOutputStream out;
    private final Runnable complete;
    private final Broadcaster broadcaster;
    private final long stallNanos;
    private final ViewerStats stats;
    private final double maxFps;

    private final AtomicEnum<State> state = new AtomicEnum<>(State.WAITING);
    private final PendingFrame pending;
    private final AtomicReference<String> closeReason = new AtomicReference<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile long waitingSince = System.nanoTime();
    /**
     * The thread in drain(), if any: a container callback on that very thread must not wait for itself.
     * A writer leaving drain() clears it only if it still names that writer: the next writer may already
     * have set itself (an offer can start one as soon as this one went IDLE). Held as the thread's id
     * for the reason {@link AtomicEnum} gives.
     */
    private final AtomicLong writer = new AtomicLong();

    // Touched only by the writer.
    // The first flush sends the response head alone, before any frame exists.
    private boolean needFlush = true;
    private long framesSent;
    private long lastSequence = -1;

    /**
     * @param out      the response's output stream; this viewer sets itself as its write listener in {@link #start}
     * @param complete completes the async request ({@code AsyncContext::complete}); called once
     */
    public MultipartViewer(String camera, String client, ServletOutputStream out, Runnable complete,
                           Broadcaster broadcaster, long stallNanos) {
        this(camera, client, out, complete, broadcaster, stallNanos, 0);
    }

    /** @param maxFps the most new pictures a second this viewer wants; 0 for every one */
    public MultipartViewer(String camera, String client, ServletOutputStream out, Runnable complete,
                           Broadcaster broadcaster, long stallNanos, double maxFps) {
        this.camera = camera;
        this.client = client;
        this.out = out;
        this.complete = complete;
        this.broadcaster = broadcaster;
        this.stallNanos = stallNanos;
        this.stats = new ViewerStats(client, broadcaster.deliveries());
        this.pending = new PendingFrame(broadcaster, maxFps);
        this.maxFps = maxFps;
    }

    @Override
    public ViewerStats stats() {
        return stats;
    }

    /** Joins the broadcaster and starts writing; the container may call onWritePossible at once, on another thread. */
    public void start() {
        broadcaster.add(this, maxFps);
        LOG.fine(() -> "Viewer " + client + " connected to camera '" + camera + "' (" + broadcaster.cameraViewerCount()
                + " watching)");
        out.setWriteListener(this);
    }

    State state() {
        return state.get();
    }

    @Override
    public boolean offer(Frame frame) {
        State s = state.get();
        if (s == State.CLOSING || s == State.CLOSED) {
            return false;
        }
        if (pending.put(frame)) {
            broadcaster.countSkipped();
            stats.skipped();
        }
        return state.get() == State.IDLE && state.compareAndSet(State.IDLE, State.WRITING);
    }

    @Override
    public void onWritePossible() {
        for (;;) {
            State s = state.get();
            if (s == State.WAITING) {
                if (state.compareAndSet(State.WAITING, State.WRITING)) {
                    drain();
                    return;
                }
            } else if (s == State.WRITING) {
                if (state.compareAndSet(State.WRITING, State.WRITING_AGAIN)) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    /** The writer's loop: write while the container accepts bytes. Runs only in WRITING. */
    @Override
    public void drain() {
        writer.set(Thread.currentThread().getId());
        try {
            for (;;) {
                State s = state.get();
                if (s == State.CLOSING) {
                    end();
                    return;
                }
                if (s == State.WRITING_AGAIN) {
                    state.compareAndSet(State.WRITING_AGAIN, State.WRITING);
                    continue;
                }
                if (!out.isReady()) {
                    waitingSince = System.nanoTime();
                    if (state.compareAndSet(State.WRITING, State.WAITING)) {
                        return;
                    }
                    continue; // onWritePossible or close came in between
                }
                if (needFlush) {
                    needFlush = false;
                    out.flush();
                    continue;
                }
                Frame f = pending.take();
                if (f == null) {
                    if (state.compareAndSet(State.WRITING, State.IDLE)) {
                        // An offer between the poll and IDLE saw WRITING and left its frame for us.
                        if (pending.isEmpty() || !state.compareAndSet(State.IDLE, State.WRITING)) {
                            return;
                        }
                    }
                    continue;
                }
                if (f.sequence() > lastSequence) {
                    // The opening delimiter rides with the first part: written alone, it is small enough
                    // for Jetty to aggregate, and Jetty then holds a 32 KB buffer for the rest of the stream.
                    byte[] part = framesSent == 0 ? f.openingPart() : f.part();
                    out.write(part);
                    stats.sent(f, part.length);
                    lastSequence = f.sequence();
                    framesSent++;
                    needFlush = true;
                }
            }
        } catch (Exception e) {
            LOG.log(Level.FINE, e, () -> "Write to " + client + " failed");
            closeReason.compareAndSet(null, "write failed: " + e.getClass().getSimpleName());
            state.set(State.CLOSED);
            end();
        } finally {
            writer.compareAndSet(Thread.currentThread().getId(), 0);
        }
    }

    @Override
    public void tick(long nowNanos) {
        if (state.get() == State.WAITING && nowNanos - waitingSince > stallNanos) {
            close("stalled: accepted no bytes for " + TimeUnit.NANOSECONDS.toSeconds(stallNanos) + " s");
        }
    }

    /** Ends this stream once. If a write is in progress, only records the wish: the writer completes. */
    @Override
    public void close(String why) {
        for (;;) {
            State s = state.get();
            switch (s) {
                case WAITING, IDLE -> {
                    if (state.compareAndSet(s, State.CLOSED)) {
                        closeReason.compareAndSet(null, why);
                        end();
                        return;
                    }
                }
                case WRITING, WRITING_AGAIN -> {
                    if (state.compareAndSet(s, State.CLOSING)) {
                        closeReason.compareAndSet(null, why);
                        broadcaster.remove(this);
                        return;
                    }
                }
                case CLOSING, CLOSED -> {
                    return;
                }
            }
        }
    }

    /** Completes the response; runs once, on the thread that moved the viewer to CLOSED or the writer that saw CLOSING. */
    private void end() {
        state.set(State.CLOSED);
        pending.clear();
        broadcaster.remove(this);
        try {
            complete.run();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Completing " + client + " failed");
        } finally {
            ended.countDown();
        }
        LOG.fine(() -> "Viewer " + client + " disconnected from camera '" + camera + "' after " + framesSent
                + " frames (" + closeReason.get() + "); " + broadcaster.cameraViewerCount() + " watching");
    }

    /**
     * A container callback that ends the stream: after it returns, the container may complete and
     * recycle the response itself, so a write in progress must have returned first.
     */
    private void closeFromContainer(String why) {
        close(why);
        if (writer.get() == Thread.currentThread().getId()) {
            return;
        }
        try {
            if (!ended.await(WRITER_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> "Viewer " + client + ": a write was still in progress " + WRITER_WAIT_MILLIS
                        + " ms after the container ended the stream");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onError(Throwable t) {
        closeFromContainer("connection error: " + t.getClass().getSimpleName());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close("completed");
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        closeFromContainer("timed out");
    }

    @Override
    public void onError(AsyncEvent event) {
        Throwable t = event.getThrowable();
        closeFromContainer("connection error: " + (t == null ? "unknown" : t.getClass().getSimpleName()));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
