package camstream.camera;

import camstream.config.CameraConfig;
import camstream.config.Pixels;
import camstream.source.FrameSource;
import camstream.source.JpegFrame;
import camstream.source.RelayLoop;
import camstream.source.SourceException;
import camstream.stream.Via;
import camstream.video.AccessUnit;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A camera's capture thread, supervised by the shape of its loop as µStreamer's is: an outer loop
 * (wait for a viewer → open → stream → close → back off) around the frame loop of {@link #session}.
 * Whatever an open, read, decode or transform throws ends only the session: the source is closed,
 * the camera shows NO SIGNAL with the reason and is opened again after a backoff of 1 s, doubling up
 * to 30 s, back to 1 s once pictures flowed. Only {@link #signalStop} ends the outer loop.
 *
 * <p>Every wait goes through the {@link Clock}, and every call that may hang is announced in the
 * {@link CameraState} first, so that the watchdog can speak for a source that stopped answering.
 */
final class CaptureLoop {

    private static final Logger LOG = Logger.getLogger(CaptureLoop.class.getName());
    static final long FIRST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** What ended a session. */
    private enum Outcome { RELEASED, FAILED, STOPPED }

    private final CameraConfig cfg;
    private final FrameSource source;
    private final CameraState state;
    private final CameraCounters counters;
    private final FramePipeline pipeline;
    private final BooleanSupplier demand;
    private final Clock clock;
    private final long idleNanos;
    private final Thread thread;
    private final Object monitor = new Object();
    private volatile boolean running;
    private final boolean ownsPipeline;

    // Capture thread only.
    private boolean sessionHadFrames;
    /** The last call announced by {@link #busy}, for the reason of a failure. */
    private String doing = "";
    /** Why the last session failed, in words for viewers and the log; and the failure's class, for the log, if a bug. */
    private String failure;
    private String failureDetail = "";
    /** The relay loop the last failure was, or null. */
    private Via failureLoop;

    /**
     * @param demand    true while anyone wants pictures of this camera
     * @param idleNanos how long the source stays open without viewers; 0 keeps it open
     */
    CaptureLoop(CameraConfig cfg, FrameSource source, CameraState state, CameraCounters counters,
                FramePipeline pipeline, BooleanSupplier demand, Clock clock, long idleNanos) {
        this(cfg, source, state, counters, pipeline, demand, clock, idleNanos, "camstream-capture-" + cfg.id(), true);
    }

    /** @param ownsPipeline whether this loop closes the pipeline when it ends: a second loop of the camera does not */
    CaptureLoop(CameraConfig cfg, FrameSource source, CameraState state, CameraCounters counters, FramePipeline pipeline,
                BooleanSupplier demand, Clock clock, long idleNanos, String threadName, boolean ownsPipeline) {
        this.ownsPipeline = ownsPipeline;
        this.cfg = cfg;
        this.source = source;
        this.state = state;
        this.counters = counters;
        this.pipeline = pipeline;
        this.demand = demand;
        this.clock = clock;
        this.idleNanos = idleNanos;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        running = true;
        thread.start();
    }

    boolean running() {
        return running;
    }

    /** A viewer or snapshot arrived, or the camera stops: a waiting capture thread looks again. */
    void wake() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** Asks the capture thread to end; {@link #join} waits for it. */
    void signalStop() {
        running = false;
        if (thread.isAlive()) {
            thread.interrupt();
        }
        wake();
    }

    /** Waits until the thread ended or {@code deadlineNanos} ({@link System#nanoTime}) passed; true if it ended. */
    boolean join(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0 && thread.isAlive()) {
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        return !thread.isAlive();
    }

    private void run() {
        try {
            long backoff = FIRST_BACKOFF_NANOS;
            boolean failedBefore = false;
            while (running) {
                try {
                    if (!awaitWanted()) {
                        continue;
                    }
                    long opensBefore = counters.opened();
                    Outcome outcome = session();
                    if (failedBefore && counters.opened() > opensBefore) {
                        counters.reopens.incrementAndGet();
                    }
                    failedBefore = outcome == Outcome.FAILED;
                    if (outcome == Outcome.RELEASED || sessionHadFrames) {
                        backoff = FIRST_BACKOFF_NANOS;
                    }
                    if (outcome == Outcome.FAILED) {
                        counters.failures.incrementAndGet();
                        long wait = backoff;
                        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                        state.noSignal(failure, clock.now().plusNanos(wait), failureDetail, failureLoop);
                        sleep(wait);
                    }
                } catch (Throwable t) {
                    // Only a bug in this loop gets here: say so, and go on rather than freeze the camera.
                    LOG.log(Level.SEVERE, "Camera '" + cfg.id() + "': unexpected error in the capture loop", t);
                    sleep(FIRST_BACKOFF_NANOS);
                }
            }
        } finally {
            if (ownsPipeline) {
                pipeline.close();
            }
        }
    }

    /**
     * Waits while nobody watches, unless the source is to stay open ({@code idleTimeout=0}).
     * Returns true when the source should be opened now.
     */
    private boolean awaitWanted() {
        if (idleNanos == 0 || demand.getAsBoolean()) {
            return running;
        }
        state.idle();
        synchronized (monitor) {
            while (running && !demand.getAsBoolean()) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    // signalStop() interrupts; the loop checks running.
                }
            }
        }
        return running;
    }

    /** Opens the source, streams until released, stopped or failed, and always closes it. */
    private Outcome session() {
        sessionHadFrames = false;
        state.opening(source.describe());
        try {
            busy("open");
            source.open();
            state.notBusy();
            counters.opened.incrementAndGet();
            state.update(s -> s.withSource(source.describe()));
            LOG.fine(() -> "Camera '" + cfg.id() + "': opened " + source.describe());
            return frames();
        } catch (Throwable t) {
            state.notBusy();
            if (!running) {
                return Outcome.STOPPED;
            }
            failure = FailureReason.of(t, source.describe(), doing);
            failureDetail = t instanceof SourceException ? "" : " [" + t.getClass().getName() + "]";
            failureLoop = t instanceof RelayLoop loop ? loop.path() : null;
            if (!(t instanceof SourceException)) {
                LOG.log(Level.FINE, t, () -> "Camera '" + cfg.id() + "': " + failure);
            }
            return Outcome.FAILED;
        } finally {
            try {
                source.close();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "Camera '" + cfg.id() + "': closing " + source.describe() + " failed", t);
            }
        }
    }

    /** The frame loop of an open source: read, hand to the pipeline, pace; until released or stopped. */
    private Outcome frames() throws Exception {
        if (source.deliversVideo()) {
            try {
                return videoFrames();
            } finally {
                pipeline.endVideo();
            }
        }
        // Ready JPEG pictures go to viewers as they are unless pixels are needed (config.Pixels decides).
        boolean jpegSource = source.deliversJpeg();
        boolean passthrough = Pixels.passThrough(cfg, jpegSource);
        long lastDemand = clock.nanoTime();
        long nextFrame = lastDemand;
        FpsWindow fps = new FpsWindow(lastDemand);
        while (running) {
            boolean wanted = demand.getAsBoolean();
            long now = clock.nanoTime();
            if (wanted) {
                lastDemand = now;
            } else if (idleTooLong(now, lastDemand)) {
                return Outcome.RELEASED;
            } else if (source.pacingFps() > 0) {
                // A source without its own clock is not read for nobody.
                awaitDemand(idleNanos > 0 ? idleNanos - (now - lastDemand) : TimeUnit.MINUTES.toNanos(1));
                continue;
            }
            // No output can take a picture now (the encoders are behind): a source paced here waits
            // for one, and a source with a clock of its own is read but its picture not processed.
            boolean room = !wanted || pipeline.hasRoom();
            if (!room && source.pacingFps() > 0 && !(jpegSource && passthrough)) {
                awaitRoom(source.pacingFps());
                continue;
            }
            busy("read");
            // Pixels only when needed: a relay's pictures pass through without one (and without OpenCV).
            Picture picture = null;
            try {
                JpegFrame ready = jpegSource ? source.readJpeg() : null;
                if (ready == null) {
                    picture = pipeline.nextPicture();
                    source.read(picture.image());
                }
                if (!running) {
                    break;
                }
                if (wanted) {
                    Instant capturedAt = clock.now();
                    long micros = ready != null && ready.timestampMicros() > 0 ? ready.timestampMicros() : micros(capturedAt);
                    counters.captured.incrementAndGet();
                    boolean asIs = passthrough && ready != null;
                    if (asIs) {
                        pipeline.publishAsIs(ready.jpeg(), ready.length(), micros, ready.via());
                    }
                    if (!room && (!asIs || pipeline.needsPixels())) {
                        counters.droppedEncodes.incrementAndGet();
                    } else if (!asIs || pipeline.needsPixels()) {
                        if (ready != null) {
                            busy("decode");
                            picture = pipeline.nextPicture();
                            picture.decode(ready, source.describe());
                        }
                        busy("process");
                        Picture handed = picture;
                        picture = null;
                        pipeline.process(handed, micros, asIs);
                    }
                    live(capturedAt, fps);
                }
            } finally {
                state.notBusy();
                if (picture != null) {
                    picture.release();
                }
            }
            nextFrame = pace(pacing(), nextFrame);
        }
        return Outcome.STOPPED;
    }

    /** Whether nobody watched for the idle time, so that the source is to be released (the log says so). */
    private boolean idleTooLong(long now, long lastDemand) {
        if (idleNanos == 0 || now - lastDemand < idleNanos) {
            return false;
        }
        LOG.info(() -> "Camera '" + cfg.id() + "': no viewers for " + TimeUnit.NANOSECONDS.toSeconds(idleNanos)
                + " s, released " + source.describe());
        return true;
    }

    /**
     * The frame loop of a source that sends coded video (an IP camera): each access unit passes through
     * to the H.264 viewers; pictures are decoded, by the source, only while someone needs pixels, and
     * then take the normal path. The source paces itself; it is released when nobody watched for the idle time.
     */
    private Outcome videoFrames() throws Exception {
        long lastDemand = clock.nanoTime();
        FpsWindow fps = new FpsWindow(lastDemand);
        while (running) {
            boolean wanted = demand.getAsBoolean();
            long now = clock.nanoTime();
            if (wanted) {
                lastDemand = now;
            } else if (idleTooLong(now, lastDemand)) {
                return Outcome.RELEASED;
            }
            busy("read");
            try {
                AccessUnit unit = source.readVideo();
                if (!running) {
                    break;
                }
                Instant capturedAt = clock.now();
                if (unit != null) {
                    if (wanted) {
                        counters.captured.incrementAndGet();
                        pipeline.publishVideo(unit, micros(capturedAt), source.describe());
                        live(capturedAt, fps);
                    }
                    busy("decode");
                    source.decode(wanted && pipeline.needsPixels(unit.codec()));
                } else if (wanted) {
                    busy("process");
                    pipeline.processDecoded(source, micros(capturedAt));
                }
            } finally {
                state.notBusy();
            }
        }
        return Outcome.STOPPED;
    }

    /**
     * The rate reads are paced at: the source's, or for one that paces itself but keeps only its
     * newest picture (a relay), the camera's fps, so that it publishes no faster whatever its upstream
     * sends, the newest picture each time.
     */
    private double pacing() {
        double fps = source.pacingFps();
        return fps > 0 ? fps : source.keepsNewest() ? cfg.fps() : 0;
    }

    private void busy(String what) {
        doing = what;
        state.busy(what);
    }

    /** A picture went to the viewers: the camera is live, its status says so, and its fps about once a second. */
    private void live(Instant capturedAt, FpsWindow fps) {
        sessionHadFrames = true;
        if (state.status().state() != CameraStatus.State.LIVE) {
            state.live(source.describe());
        } else if (fps.frame(clock.nanoTime())) {
            double f = fps.value();
            state.update(x -> x.withFrame(capturedAt, f));
        }
    }

    /** Waits until the next frame is due; returns when the one after it is due. */
    private long pace(double fps, long nextFrame) throws InterruptedException {
        if (fps <= 0) {
            return clock.nanoTime();
        }
        long period = (long) (1_000_000_000L / fps);
        long due = nextFrame + period;
        if (due - clock.nanoTime() < -period) {
            return clock.nanoTime(); // fell behind: skip, don't burst
        }
        sleepUntil(due);
        return due;
    }

    /** Waits up to a frame period for an encoder to take the picture that waits for it. */
    private void awaitRoom(double fps) {
        synchronized (monitor) {
            if (!running || pipeline.hasRoom()) {
                return;
            }
            try {
                clock.await(monitor, (long) (1_000_000_000L / fps));
            } catch (InterruptedException e) {
                // signalStop() interrupts; the loop checks running.
            }
        }
    }

    /** Waits until a viewer arrives, the camera stops, or {@code nanos} pass. */
    private void awaitDemand(long nanos) {
        synchronized (monitor) {
            if (!running || demand.getAsBoolean()) {
                return;
            }
            try {
                clock.await(monitor, Math.max(1, nanos));
            } catch (InterruptedException e) {
                // signalStop() interrupts; the loop checks running.
            }
        }
    }

    /** Waits {@code nanos} unless the camera stops first. */
    private void sleep(long nanos) {
        sleepUntil(clock.nanoTime() + nanos);
    }

    private void sleepUntil(long deadline) {
        synchronized (monitor) {
            long left;
            while (running && (left = deadline - clock.nanoTime()) > 0) {
                try {
                    clock.await(monitor, left);
                } catch (InterruptedException e) {
                    // signalStop() interrupts; the loop checks running.
                }
            }
        }
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
