package camstream.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One stream's newest frame and its viewers. Publishing never waits for a viewer: each viewer is
 * offered the new frame and takes it when its previous write has drained. Frames are numbered here,
 * under one lock, so that the capture thread and the watchdog (placeholders, keep-alives) can both
 * publish and every viewer still sees them in order. A viewer with a frame rate cap is offered what
 * its {@link FpsCap} allows.
 *
 * <p>A camera's streams (its own size and each variant) are sibling broadcasters: counts named
 * {@code camera…} are the camera's, shared by the siblings; the rest are this stream's own.
 */
public final class Broadcaster {

    private static final Logger LOG = Logger.getLogger(Broadcaster.class.getName());

    /** A viewer that arrives is shown the newest frame if it was (re)sent this recently. */
    private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Executor executor;
    private final Runnable onDemand;
    private final LongSupplier clock;
    private final Tally tally;
    /** The path of the pictures made here: this camera's hop. */
    private final Via own;
    /** Viewers without a cap: the common case, offered every frame with nothing else to do per viewer. */
    private final Set<Viewer> uncapped = ConcurrentHashMap.newKeySet();
    /** Viewers with a cap; each cap changes under the publish lock only. */
    private final Map<Viewer, FpsCap> capped = new ConcurrentHashMap<>();
    private final FrameWaiters waiters;
    private final AtomicLong published = new AtomicLong();
    /** A viewer of this video stream waits for a keyframe: the encoder should make the next picture one. */
    private final AtomicBoolean keyframeWanted = new AtomicBoolean();

    /** What the broadcasters of one camera count together. */
    private static final class Tally {
        final AtomicInteger viewers = new AtomicInteger();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong joined = new AtomicLong();
        final AtomicLong left = new AtomicLong();
        final Deliveries deliveries = new Deliveries();
    }

    private final Object publishLock = new Object();
    // Guarded by publishLock.
    private long sequence;
    private long lastMicros;
    private volatile Frame latest;
    private volatile long latestNanos;
    /**
     * A video stream whose keyframes come when the camera sends them: the frames since the last one,
     * from it on, for a viewer that joins to start at once rather than at the camera's next keyframe;
     * null otherwise. Guarded by publishLock.
     */
    private List<Frame> group;
    /** Frames a group holds at most; a camera with longer groups has joiners wait for its next keyframe. */
    private static final int MAX_GROUP_FRAMES = 600;

    /**
     * @param executor runs the viewers' writes and the snapshot callbacks, never the publishing thread
     * @param onDemand called when a viewer or a snapshot arrives, to wake the capture thread
     */
    public Broadcaster(Executor executor, Runnable onDemand) {
        this(executor, onDemand, System::nanoTime);
    }

    /** @param clock {@link System#nanoTime}, or a test's that must not depend on how fast it runs */
    public Broadcaster(Executor executor, Runnable onDemand, LongSupplier clock) {
        this(executor, onDemand, clock, Via.NONE);
    }

    /** @param own the path of the pictures made here, which every part names: this camera's hop */
    public Broadcaster(Executor executor, Runnable onDemand, LongSupplier clock, Via own) {
        this(executor, onDemand, clock, new Tally(), own);
    }

    private Broadcaster(Executor executor, Runnable onDemand, LongSupplier clock, Tally tally, Via own) {
        this.executor = executor;
        this.waiters = new FrameWaiters(executor);
        this.onDemand = onDemand;
        this.clock = clock;
        this.tally = tally;
        this.own = own;
    }

    /**
     * Another stream of the same camera (a variant): its own frames and viewers, the same executor and
     * demand callback, and viewers, joins, departures and skips counted together with this one's.
     */
    public Broadcaster sibling() {
        return new Broadcaster(executor, onDemand, clock, tally, own);
    }

    /** True while anyone wants this stream's frames: a viewer, or a snapshot waiting for the next frame. */
    public boolean hasDemand() {
        return !uncapped.isEmpty() || !capped.isEmpty() || !waiters.isEmpty();
    }

    /** Viewers of this stream and of its siblings: every viewer of the camera. */
    public int cameraViewerCount() {
        return tally.viewers.get();
    }

    /** Viewers of this stream only. */
    public int streamViewerCount() {
        return uncapped.size() + capped.size();
    }

    /** The viewers of this stream connected now. */
    public List<Viewer> viewers() {
        List<Viewer> all = new ArrayList<>(uncapped);
        all.addAll(capped.keySet());
        return all;
    }

    /** What the viewers of this stream and of its siblings were sent, all together. */
    public Deliveries deliveries() {
        return tally.deliveries;
    }

    /** The path of the pictures made here ({@link #publish} without one): this camera's hop. */
    public Via via() {
        return own;
    }

    public Frame latest() {
        return latest;
    }

    /** {@link System#nanoTime()} when a frame was last published or re-sent; meaningful only if {@link #latest} is set. */
    public long latestNanos() {
        return latestNanos;
    }

    /** Frames published to this stream so far, re-sends not counted. */
    public long published() {
        return published.get();
    }

    /** Frames that viewers (of this stream and its siblings) never received because a newer one replaced them first. */
    public long cameraSkipped() {
        return tally.skipped.get();
    }

    /** Viewers (of this stream and its siblings) that arrived since the start. */
    public long cameraJoined() {
        return tally.joined.get();
    }

    /** Viewers (of this stream and its siblings) that left since the start. */
    public long cameraLeft() {
        return tally.left.get();
    }

    /** Called by a viewer whose pending frame was replaced before it was written. */
    public void countSkipped() {
        countSkipped(1);
    }

    /** Called by a viewer that dropped {@code n} frames it could not send (video: to wait for a keyframe). */
    public void countSkipped(int n) {
        if (n > 0) {
            tally.skipped.addAndGet(n);
        }
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
        List<Viewer> refused = List.of();
        synchronized (publishLock) {
            if (uncapped.contains(viewer) || capped.containsKey(viewer)) {
                return;
            }
            long now = clock.getAsLong();
            FpsCap cap = null;
            if (FpsCap.limits(maxFps)) {
                cap = new FpsCap(maxFps, now);
                capped.put(viewer, cap);
            } else {
                uncapped.add(viewer);
            }
            tally.viewers.incrementAndGet();
            Frame f = latest;
            if (group != null && f != null && now - latestNanos < FRESH_NANOS && cap == null) {
                // Drained only if an offer made it busy: a viewer still waiting for its transport's first
                // callback gets the group from that callback's thread, and a second writer would race it.
                boolean busy = false;
                for (Frame g : group) {
                    busy |= viewer.offer(g);
                }
                if (busy && !Drains.schedule(executor, List.of(viewer))) {
                    refused = List.of(viewer);
                }
            } else if (f != null && (f.placeholder() || now - latestNanos < FRESH_NANOS)
                    && (cap == null || cap.offerNow(f, now)) && viewer.offer(f) && !Drains.schedule(executor, List.of(viewer))) {
                refused = List.of(viewer);
            }
        }
        Drains.closeRefused(refused);
        tally.joined.incrementAndGet();
        onDemand.run();
    }

    /** A viewer leaves; called by the viewer when it closes. */
    public void remove(Viewer viewer) {
        if (uncapped.remove(viewer) || capped.remove(viewer) != null) {
            tally.viewers.decrementAndGet();
            tally.left.incrementAndGet();
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
     * Publishes a new picture, made here, to every viewer and waiting snapshot. {@code jpeg} must not
     * be changed afterwards. Timestamps are kept strictly increasing.
     *
     * @param captureMicros capture time, microseconds since the epoch
     */
    public Frame publish(byte[] jpeg, int length, long captureMicros, boolean placeholder) {
        return publish(jpeg, length, captureMicros, placeholder, own);
    }

    /** As {@link #publish(byte[], int, long, boolean)}, for a picture that came through the camstreams {@code via} names. */
    public Frame publish(byte[] jpeg, int length, long captureMicros, boolean placeholder, Via via) {
        Frame f;
        List<Viewer> refused;
        synchronized (publishLock) {
            f = new Frame(++sequence, nextMicros(captureMicros), jpeg, length, placeholder, via);
            refused = offerToAll(f, false);
        }
        Drains.closeRefused(refused);
        published.incrementAndGet();
        waiters.serve(f);
        return f;
    }

    /**
     * Publishes one H.264 picture, an fMP4 fragment of {@code track}, to every viewer; {@code fragment}
     * must not be changed afterwards. Viewers start at a keyframe and skip to one when they fall behind.
     */
    public Frame publishVideo(VideoTrack track, byte[] fragment, boolean keyframe, long captureMicros,
                              boolean placeholder) {
        return publishVideo(track, fragment, keyframe, captureMicros, placeholder, false);
    }

    /**
     * As {@link #publishVideo(VideoTrack, byte[], boolean, long, boolean)}; {@code kept}: from a source
     * whose keyframes cannot be asked for (a camera's own H.264), so the frames from its last keyframe
     * are kept for viewers that join, who start there at once.
     */
    public Frame publishVideo(VideoTrack track, byte[] fragment, boolean keyframe, long captureMicros,
                              boolean placeholder, boolean kept) {
        Frame f;
        List<Viewer> refused;
        synchronized (publishLock) {
            f = new Frame(++sequence, nextMicros(captureMicros), track, fragment, keyframe, placeholder, own);
            refused = offerToAll(f, false);
            if (!kept) {
                group = null;
            } else if (keyframe) {
                group = new ArrayList<>();
                group.add(f);
            } else if (group != null) {
                group.add(f);
                if (group.size() > MAX_GROUP_FRAMES) {
                    group = null;
                }
            }
        }
        Drains.closeRefused(refused);
        published.incrementAndGet();
        return f;
    }

    /** A viewer of this video stream waits for a keyframe: asks the encoder to make the next picture one. */
    public void requestKeyframe() {
        keyframeWanted.set(true);
    }

    /** For the encoder: whether a keyframe was asked for since it last looked. */
    public boolean takeKeyframeRequest() {
        return keyframeWanted.get() && keyframeWanted.getAndSet(false);
    }

    /**
     * As {@link #publish} for a live picture that came through the camstreams {@code via} names, unless
     * {@code jpeg} is byte for byte the newest live picture: then viewers are not offered it (the
     * keep-alive re-sends the one they have about once a second) and only a waiting snapshot is
     * served, with this capture's time. Returns null then.
     */
    public Frame publishChanged(byte[] jpeg, int length, long captureMicros, Via via) {
        Frame l = latest;
        if (l == null || l.placeholder() || l.jpegLength() != length
                || !Arrays.equals(jpeg, 0, length, l.part(), l.jpegOffset(), l.jpegOffset() + length)) {
            return publish(jpeg, length, captureMicros, false, via);
        }
        if (!waiters.isEmpty()) {
            Frame f;
            synchronized (publishLock) {
                f = new Frame(++sequence, nextMicros(captureMicros), jpeg, length, false, via);
            }
            waiters.serve(f);
        }
        return null;
    }

    /** A capture time later than every one before; under the publish lock. */
    private long nextMicros(long captureMicros) {
        long micros = Math.max(lastMicros + 1, captureMicros);
        lastMicros = micros;
        return micros;
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
        Drains.closeRefused(refused);
        return true;
    }

    /**
     * For the viewers with a frame rate cap, called a few times a second whatever the camera does:
     * offers the picture held back for one once it is due, and offers one the picture it has again
     * when it was offered nothing for {@code quietNanos}. Its pictures change at its cap, and it still
     * receives a part about once a second.
     */
    public void paceCapped(long quietNanos) {
        if (capped.isEmpty()) {
            return;
        }
        List<Viewer> refused;
        synchronized (publishLock) {
            long now = clock.getAsLong();
            Drains batches = new Drains(executor);
            for (Map.Entry<Viewer, FpsCap> e : capped.entrySet()) {
                Frame due = e.getValue().dueAt(now, quietNanos);
                // Numbered anew, a held picture too: a keep-alive sent since it was held has a higher
                // number, and a viewer never writes a frame numbered lower than the last it wrote.
                if (due != null && e.getKey().offer(due.again(++sequence))) {
                    batches.add(e.getKey());
                }
            }
            refused = batches.finish();
        }
        Drains.closeRefused(refused);
    }

    /**
     * Offers {@code f} to every viewer without a cap, and to each capped one whose cap lets it (a
     * re-send to none of those: {@link #paceCapped} sends theirs). Returns the viewers made busy whose
     * drain the executor refused (it is stopping); usually none.
     */
    private List<Viewer> offerToAll(Frame f, boolean resend) {
        latest = f;
        long now = clock.getAsLong();
        latestNanos = now;
        Drains batches = new Drains(executor);
        for (Viewer v : uncapped) {
            if (v.offer(f)) {
                batches.add(v);
            }
        }
        if (!resend) {
            for (Map.Entry<Viewer, FpsCap> e : capped.entrySet()) {
                if (e.getValue().offerNow(f, now) && e.getKey().offer(f)) {
                    batches.add(e.getKey());
                }
            }
        }
        return batches.finish();
    }

    /** Lets every viewer check whether it stalled; called a few times a second whatever the camera does. */
    public void tick(long nowNanos) {
        for (Viewer v : viewers()) {
            try {
                v.tick(nowNanos);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "A viewer failed its stall check", e);
            }
        }
    }

    /** Ends every stream; used at shutdown. */
    public void closeAll(String why) {
        for (Viewer v : viewers()) {
            v.close(why);
        }
    }
}
