package camstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One camera's newest frame and its viewers. Publishing never waits for a viewer: each viewer is
 * offered the new frame and takes it when its previous write has drained.
 */
public final class Broadcaster {

    /** A live frame older than this is not shown to a viewer that just arrived. */
    private static final long FRESH_MICROS = 1_000_000;
    /** Viewers drained by one writer-pool task: one task per viewer per frame cost as much as the encode. */
    private static final int DRAIN_BATCH = 64;

    private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
    private final Queue<Consumer<Frame>> waiters = new ConcurrentLinkedQueue<>();
    private final Runnable onDemand;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile Frame latest;

    /**
     * @param onDemand called when a viewer or a snapshot arrives, to wake the capture thread
     */
    public Broadcaster(Runnable onDemand) {
        this.onDemand = onDemand;
    }

    /** True while anyone wants frames: a viewer, or a snapshot waiting for the next frame. */
    public boolean hasDemand() {
        return !viewers.isEmpty() || !waiters.isEmpty();
    }

    public int viewerCount() {
        return viewers.size();
    }

    public Frame latest() {
        return latest;
    }

    /** Frames handed to this broadcaster so far. */
    public long published() {
        return published.get();
    }

    /** Frames that viewers never received because a newer one replaced them first. */
    public long skipped() {
        return skipped.get();
    }

    void add(Viewer viewer) {
        viewers.add(viewer);
        Frame f = latest;
        if (f != null && (f.placeholder() || nowMicros() - f.timestampMicros() < FRESH_MICROS) && viewer.offer(f)) {
            viewer.drainLater();
        }
        onDemand.run();
    }

    void remove(Viewer viewer) {
        viewers.remove(viewer);
    }

    void countSkipped() {
        skipped.incrementAndGet();
    }

    /** Calls {@code waiter} once, on the capture thread, with the next frame published. */
    public void awaitNext(Consumer<Frame> waiter) {
        waiters.add(waiter);
        onDemand.run();
    }

    public void cancel(Consumer<Frame> waiter) {
        waiters.remove(waiter);
    }

    /** Called by the capture thread with each new frame. */
    public void publish(Frame frame) {
        latest = frame;
        published.incrementAndGet();
        List<Viewer> batch = null;
        for (Viewer v : viewers) {
            if (v.offer(frame)) {
                if (batch == null) {
                    batch = new ArrayList<>(DRAIN_BATCH);
                }
                batch.add(v);
                if (batch.size() == DRAIN_BATCH) {
                    drain(batch);
                    batch = null;
                }
            }
        }
        if (batch != null) {
            drain(batch);
        }
        for (Consumer<Frame> w; (w = waiters.poll()) != null; ) {
            w.accept(frame);
        }
    }

    /** Runs drain() of each viewer, which {@link Viewer#offer} made BUSY, in one writer-pool task. */
    private static void drain(List<Viewer> batch) {
        try {
            batch.get(0).writers().execute(() -> {
                for (Viewer v : batch) {
                    v.drain();
                }
            });
        } catch (RejectedExecutionException e) {
            for (Viewer v : batch) {
                v.close("server stopping");
            }
        }
    }

    /** Ends every stream; used at shutdown. */
    public void closeAll(String why) {
        for (Viewer v : viewers) {
            v.close(why);
        }
    }

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
