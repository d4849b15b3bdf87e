package camstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One camera's newest frame and its viewers. Publishing never waits for a viewer: each viewer is
 * offered the new frame and takes it when its previous write has drained. Frames are numbered here,
 * under one lock, so that the capture thread and the watchdog (placeholders, keep-alives) can both
 * publish and every viewer still sees them in order.
 */
public final class Broadcaster {

    private static final Logger LOG = Logger.getLogger(Broadcaster.class.getName());

    /** A viewer that arrives is shown the newest frame if it was (re)sent this recently. */
    private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Viewers drained by one executor task: one task per viewer per frame cost as much as the encode. */
    private static final int DRAIN_BATCH = 64;

    private final Executor executor;
    private final Runnable onDemand;
    private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
    private final Queue<Consumer<Frame>> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong joined = new AtomicLong();
    private final AtomicLong left = new AtomicLong();
    private final Deliveries deliveries = new Deliveries();

    private final Object publishLock = new Object();
    // Guarded by publishLock.
    private long sequence;
    private long lastMicros;
    private volatile Frame latest;
    private volatile long latestNanos;

    /**
     * @param executor runs the viewers' writes and the snapshot callbacks, never the publishing thread
     * @param onDemand called when a viewer or a snapshot arrives, to wake the capture thread
     */
    public Broadcaster(Executor executor, Runnable onDemand) {
        this.executor = executor;
        this.onDemand = onDemand;
    }

    /** True while anyone wants frames: a viewer, or a snapshot waiting for the next frame. */
    public boolean hasDemand() {
        return !viewers.isEmpty() || !waiters.isEmpty();
    }

    public int viewerCount() {
        return viewers.size();
    }

    /** The viewers connected now. */
    public List<Viewer> viewers() {
        return List.copyOf(viewers);
    }

    /** What this camera's viewers were sent, all together. */
    public Deliveries deliveries() {
        return deliveries;
    }

    public Frame latest() {
        return latest;
    }

    /** {@link System#nanoTime()} when a frame was last published or re-sent; meaningful only if {@link #latest} is set. */
    public long latestNanos() {
        return latestNanos;
    }

    /** Frames published so far, re-sends not counted. */
    public long published() {
        return published.get();
    }

    /** Frames that viewers never received because a newer one replaced them first. */
    public long skipped() {
        return skipped.get();
    }

    /** Viewers that arrived since the start. */
    public long joined() {
        return joined.get();
    }

    /** Viewers that left since the start. */
    public long left() {
        return left.get();
    }

    /** Called by a viewer whose pending frame was replaced before it was written. */
    public void countSkipped() {
        skipped.incrementAndGet();
    }

    /** A viewer joins; it is offered the newest frame at once if that is still current. */
    public void add(Viewer viewer) {
        List<Viewer> refused = List.of();
        synchronized (publishLock) {
            viewers.add(viewer);
            Frame f = latest;
            if (f != null && (f.placeholder() || System.nanoTime() - latestNanos < FRESH_NANOS) && viewer.offer(f)
                    && !schedule(List.of(viewer))) {
                refused = List.of(viewer);
            }
        }
        closeRefused(refused);
        joined.incrementAndGet();
        onDemand.run();
    }

    /** A viewer leaves; called by the viewer when it closes. */
    public void remove(Viewer viewer) {
        if (viewers.remove(viewer)) {
            left.incrementAndGet();
        }
    }

    /** Calls {@code waiter} once, on the executor, with the next frame published (not a re-send). */
    public void awaitNext(Consumer<Frame> waiter) {
        waiters.add(waiter);
        onDemand.run();
    }

    public void cancel(Consumer<Frame> waiter) {
        waiters.remove(waiter);
    }

    /**
     * Publishes a new picture to every viewer and waiting snapshot. {@code jpeg} must not be changed
     * afterwards. Timestamps are kept strictly increasing.
     *
     * @param captureMicros capture time, microseconds since the epoch
     */
    public Frame publish(byte[] jpeg, int length, long captureMicros, boolean placeholder) {
        Frame f;
        List<Viewer> refused;
        synchronized (publishLock) {
            long micros = Math.max(lastMicros + 1, captureMicros);
            lastMicros = micros;
            f = new Frame(++sequence, micros, jpeg, length, placeholder);
            refused = offerToAll(f);
        }
        closeRefused(refused);
        published.incrementAndGet();
        for (Consumer<Frame> w; (w = waiters.poll()) != null; ) {
            Consumer<Frame> waiter = w;
            try {
                executor.execute(() -> {
                    try {
                        waiter.accept(f);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "A snapshot request failed", e);
                    }
                });
            } catch (RejectedExecutionException e) {
                // Stopping: the snapshot's own timeout answers it.
            }
        }
        return f;
    }

    /**
     * Sends the newest frame again if nothing was published for {@code quietNanos}, so that every
     * viewer receives something regularly and a departed one is noticed. Returns whether it did.
     */
    public boolean resendIfQuiet(long quietNanos) {
        List<Viewer> refused;
        synchronized (publishLock) {
            Frame f = latest;
            if (f == null || System.nanoTime() - latestNanos < quietNanos) {
                return false;
            }
            refused = offerToAll(f.again(++sequence));
        }
        closeRefused(refused);
        return true;
    }

    /** Returns the viewers made busy whose drain the executor refused (it is stopping); usually none. */
    private List<Viewer> offerToAll(Frame f) {
        latest = f;
        latestNanos = System.nanoTime();
        List<Viewer> refused = List.of();
        List<Viewer> batch = null;
        for (Viewer v : viewers) {
            if (v.offer(f)) {
                if (batch == null) {
                    batch = new ArrayList<>(DRAIN_BATCH);
                }
                batch.add(v);
                if (batch.size() == DRAIN_BATCH) {
                    refused = scheduleOrKeep(batch, refused);
                    batch = null;
                }
            }
        }
        if (batch != null) {
            refused = scheduleOrKeep(batch, refused);
        }
        return refused;
    }

    /** Schedules {@code batch}; if the executor refuses it, returns {@code refused} with the batch added. */
    private List<Viewer> scheduleOrKeep(List<Viewer> batch, List<Viewer> refused) {
        if (schedule(batch)) {
            return refused;
        }
        List<Viewer> more = new ArrayList<>(refused);
        more.addAll(batch);
        return more;
    }

    /** Runs drain() of each viewer, which {@link Viewer#offer} made busy, in one executor task; false if refused. */
    private boolean schedule(List<Viewer> batch) {
        try {
            executor.execute(() -> {
                for (Viewer v : batch) {
                    drain(v);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * The executor is stopping and refused these viewers' drains: each is closed, and its drain,
     * run here, completes it. Called after the publish lock is released: completing calls into
     * the container, and no lock is held while doing so.
     */
    private static void closeRefused(List<Viewer> refused) {
        for (Viewer v : refused) {
            v.close("server stopping");
            drain(v);
        }
    }

    private static void drain(Viewer v) {
        try {
            v.drain();
        } catch (RuntimeException e) {
            // A viewer handles its own failures; this is a bug, and it must not cost the rest of the batch.
            LOG.log(Level.SEVERE, "A viewer failed while writing", e);
        }
    }

    /** Lets every viewer check whether it stalled; called a few times a second whatever the camera does. */
    public void tick(long nowNanos) {
        for (Viewer v : viewers) {
            try {
                v.tick(nowNanos);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "A viewer failed its stall check", e);
            }
        }
    }

    /** Ends every stream; used at shutdown. */
    public void closeAll(String why) {
        for (Viewer v : viewers) {
            v.close(why);
        }
    }
}
