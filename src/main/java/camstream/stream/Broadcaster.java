package camstream.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
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
    private final LongSupplier clock;
    private final Tally tally;
    private final Map<Viewer, Subscription> viewers = new ConcurrentHashMap<>();
    private final Queue<Consumer<Frame>> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicInteger capped = new AtomicInteger();

    /** What the broadcasters of one camera count together. */
    private static final class Tally {
        final AtomicInteger viewers = new AtomicInteger();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong joined = new AtomicLong();
        final AtomicLong left = new AtomicLong();
        final Deliveries deliveries = new Deliveries();
    }

    /** One viewer and its frame rate cap. The fields of a capped one change under the publish lock only. */
    private static final class Subscription {
        final Viewer viewer;
        /** Least time between two new pictures; 0 for no cap. */
        final long periodNanos;
        /** When the next new picture may be offered. */
        long nextDue;
        /** The last frame offered, and when. */
        Frame last;
        long lastOffered;
        /** The newest picture not offered yet because it came before it was due. */
        Frame held;

        Subscription(Viewer viewer, long periodNanos) {
            this.viewer = viewer;
            this.periodNanos = periodNanos;
        }
    }

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
        this(executor, onDemand, System::nanoTime);
    }

    /** @param clock {@link System#nanoTime}, or a test's that must not depend on how fast it runs */
    public Broadcaster(Executor executor, Runnable onDemand, LongSupplier clock) {
        this(executor, onDemand, clock, new Tally());
    }

    private Broadcaster(Executor executor, Runnable onDemand, LongSupplier clock, Tally tally) {
        this.executor = executor;
        this.onDemand = onDemand;
        this.clock = clock;
        this.tally = tally;
    }

    /**
     * Another stream of the same camera (a variant): its own frames and viewers, the same executor and
     * demand callback, and viewers, joins, departures and skips counted together with this one's.
     */
    public Broadcaster sibling() {
        return new Broadcaster(executor, onDemand, clock, tally);
    }

    /** True while anyone wants this stream's frames: a viewer, or a snapshot waiting for the next frame. */
    public boolean hasDemand() {
        return !viewers.isEmpty() || !waiters.isEmpty();
    }

    /** Viewers of this stream and of its siblings: every viewer of the camera. */
    public int viewerCount() {
        return tally.viewers.get();
    }

    /** Viewers of this stream only. */
    public int ownViewerCount() {
        return viewers.size();
    }

    /** The viewers of this stream connected now. */
    public List<Viewer> viewers() {
        return List.copyOf(viewers.keySet());
    }

    /** What the viewers of this stream and of its siblings were sent, all together. */
    public Deliveries deliveries() {
        return tally.deliveries;
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

    /** Frames that viewers (of this stream and its siblings) never received because a newer one replaced them first. */
    public long skipped() {
        return tally.skipped.get();
    }

    /** Viewers (of this stream and its siblings) that arrived since the start. */
    public long joined() {
        return tally.joined.get();
    }

    /** Viewers (of this stream and its siblings) that left since the start. */
    public long left() {
        return tally.left.get();
    }

    /** Called by a viewer whose pending frame was replaced before it was written. */
    public void countSkipped() {
        tally.skipped.incrementAndGet();
    }

    /** A viewer joins; it is offered the newest frame at once if that is still current. */
    public void add(Viewer viewer) {
        add(viewer, 0);
    }

    /**
     * A viewer joins that wants at most {@code maxFps} new pictures a second (0: every one); it is
     * offered the newest frame at once if that is still current.
     */
    public void add(Viewer viewer, double maxFps) {
        Subscription sub = new Subscription(viewer, maxFps > 0 ? (long) (1e9 / maxFps) : 0);
        List<Viewer> refused = List.of();
        synchronized (publishLock) {
            if (viewers.putIfAbsent(viewer, sub) != null) {
                return;
            }
            tally.viewers.incrementAndGet();
            long now = clock.getAsLong();
            if (sub.periodNanos > 0) {
                capped.incrementAndGet();
                sub.nextDue = now;
                sub.lastOffered = now;
            }
            Frame f = latest;
            if (f != null && (f.placeholder() || now - latestNanos < FRESH_NANOS) && offerNew(sub, f, now)
                    && !schedule(List.of(viewer))) {
                refused = List.of(viewer);
            }
        }
        closeRefused(refused);
        tally.joined.incrementAndGet();
        onDemand.run();
    }

    /** A viewer leaves; called by the viewer when it closes. */
    public void remove(Viewer viewer) {
        Subscription sub = viewers.remove(viewer);
        if (sub != null) {
            tally.viewers.decrementAndGet();
            tally.left.incrementAndGet();
            if (sub.periodNanos > 0) {
                capped.decrementAndGet();
            }
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
            f = new Frame(++sequence, nextMicros(captureMicros), jpeg, length, placeholder);
            refused = offerToAll(f, false);
        }
        closeRefused(refused);
        published.incrementAndGet();
        serveWaiters(f);
        return f;
    }

    /**
     * As {@link #publish} for a live picture, unless {@code jpeg} is byte for byte the newest live
     * picture: then viewers are not offered it (the keep-alive re-sends the one they have about once a
     * second) and only a waiting snapshot is served, with this capture's time. Returns null then.
     */
    public Frame publishChanged(byte[] jpeg, int length, long captureMicros) {
        Frame l = latest;
        if (l == null || l.placeholder() || l.jpegLength() != length
                || !Arrays.equals(jpeg, 0, length, l.part(), l.jpegOffset(), l.jpegOffset() + length)) {
            return publish(jpeg, length, captureMicros, false);
        }
        if (!waiters.isEmpty()) {
            Frame f;
            synchronized (publishLock) {
                f = new Frame(++sequence, nextMicros(captureMicros), jpeg, length, false);
            }
            serveWaiters(f);
        }
        return null;
    }

    /** A capture time later than every one before; under the publish lock. */
    private long nextMicros(long captureMicros) {
        long micros = Math.max(lastMicros + 1, captureMicros);
        lastMicros = micros;
        return micros;
    }

    private void serveWaiters(Frame f) {
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
    }

    /**
     * Sends the newest frame again if nothing was published for {@code quietNanos}, so that every
     * viewer receives something regularly and a departed one is noticed. Returns whether it did.
     * Viewers with a frame rate cap are left to {@link #paceCapped}.
     */
    public boolean resendIfQuiet(long quietNanos) {
        List<Viewer> refused;
        synchronized (publishLock) {
            Frame f = latest;
            if (f == null || clock.getAsLong() - latestNanos < quietNanos) {
                return false;
            }
            refused = offerToAll(f.again(++sequence), true);
        }
        closeRefused(refused);
        return true;
    }

    /**
     * For the viewers with a frame rate cap, called a few times a second whatever the camera does:
     * offers the picture held back for one once it is due, and offers one the picture it has again
     * when it was offered nothing for {@code quietNanos}. Its pictures change at its cap, and it still
     * receives a part about once a second.
     */
    public void paceCapped(long quietNanos) {
        if (capped.get() == 0) {
            return;
        }
        List<Viewer> refused = List.of();
        synchronized (publishLock) {
            long now = clock.getAsLong();
            List<Viewer> batch = null;
            for (Subscription sub : viewers.values()) {
                if (sub.periodNanos == 0) {
                    continue;
                }
                Frame f;
                if (sub.held != null && now - sub.nextDue >= 0) {
                    // Numbered anew: a keep-alive sent since it was held has a higher number, and a
                    // viewer never writes a frame numbered lower than the last it wrote.
                    f = sub.held.again(++sequence);
                    offered(sub, f, now, true);
                } else if (sub.last != null && now - sub.lastOffered >= quietNanos) {
                    f = sub.last.again(++sequence);
                    offered(sub, f, now, false);
                } else {
                    continue;
                }
                if (sub.viewer.offer(f)) {
                    if (batch == null) {
                        batch = new ArrayList<>();
                    }
                    batch.add(sub.viewer);
                }
            }
            if (batch != null) {
                refused = scheduleOrKeep(batch, refused);
            }
        }
        closeRefused(refused);
    }

    /**
     * Offers {@code f} to every viewer; a re-send only to those without a cap. Returns the viewers made
     * busy whose drain the executor refused (it is stopping); usually none.
     */
    private List<Viewer> offerToAll(Frame f, boolean resend) {
        latest = f;
        long now = clock.getAsLong();
        latestNanos = now;
        List<Viewer> refused = List.of();
        List<Viewer> batch = null;
        for (Subscription sub : viewers.values()) {
            if (resend && sub.periodNanos != 0) {
                continue;
            }
            if (offerNew(sub, f, now)) {
                if (batch == null) {
                    batch = new ArrayList<>(DRAIN_BATCH);
                }
                batch.add(sub.viewer);
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

    /**
     * Offers a new picture to one viewer, if its cap lets it: a capped viewer gets it when due, or at
     * once when it is news (a placeholder after pictures, or pictures after a placeholder); otherwise
     * it is held until due. Under the publish lock. Returns true when the viewer became busy.
     */
    private static boolean offerNew(Subscription sub, Frame f, long now) {
        if (sub.periodNanos != 0) {
            boolean news = sub.last == null || sub.last.placeholder() != f.placeholder();
            if (!news && now - sub.nextDue < 0) {
                sub.held = f;
                return false;
            }
            offered(sub, f, now, true);
        }
        return sub.viewer.offer(f);
    }

    /** Records an offer to a capped viewer; a new picture moves its next due time on by one period. */
    private static void offered(Subscription sub, Frame f, long now, boolean newPicture) {
        if (newPicture) {
            long late = now - sub.nextDue;
            // On time (or up to one period late): keep to the grid, so the rate is the cap, not a little less.
            sub.nextDue = late >= 0 && late < sub.periodNanos ? sub.nextDue + sub.periodNanos : now + sub.periodNanos;
            sub.held = null;
        }
        sub.last = f;
        sub.lastOffered = now;
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
        for (Viewer v : viewers.keySet()) {
            try {
                v.tick(nowNanos);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "A viewer failed its stall check", e);
            }
        }
    }

    /** Ends every stream; used at shutdown. */
    public void closeAll(String why) {
        for (Viewer v : viewers.keySet()) {
            v.close(why);
        }
    }
}
