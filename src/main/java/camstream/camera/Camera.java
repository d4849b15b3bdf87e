package camstream.camera;

import camstream.camera.CameraStatus.State;
import camstream.config.CameraConfig;
import camstream.config.Pixels;
import camstream.encode.JpegEncoder;
import camstream.source.FrameSource;
import camstream.source.JpegFrame;
import camstream.source.SourceException;
import camstream.source.Sources;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import org.opencv.core.CvException;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One camera: its source, its capture thread and its broadcaster.
 *
 * <p>The capture thread is supervised by the shape of its loop, as µStreamer's is: an outer loop
 * (wait for a viewer → open → stream → close → back off) around the inner frame loop of
 * {@link #session}. Whatever an open, read, conversion, encode or publish throws ends only the
 * session; the source is closed, the camera shows NO SIGNAL with the reason and is opened again
 * after a capped backoff. Only {@link #stop} ends the outer loop.
 *
 * <p>The capture thread may be stuck inside a source for good, so it cannot be the one that tells
 * viewers: the {@link Watchdog} calls {@link #watch} a few times a second, and it publishes the
 * placeholder, re-sends the current picture as a keep-alive, and lets viewers check for stalls.
 *
 * <p>Besides its main stream, a camera makes the variants viewers ask for (another size or quality),
 * each from the same transformed picture, once per frame whatever the number of their viewers
 * ({@link FramePipeline}), and only while someone holds a {@link Lease} on it.
 */
public final class Camera {

    private static final Logger LOG = Logger.getLogger(Camera.class.getName());
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Viewers get something at least this often: a new picture, the placeholder, or the current picture again. */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(700);

    /** What ended a session of the capture loop. */
    private enum Outcome { RELEASED, FAILED, STOPPED }

    private final CameraConfig cfg;
    private final long idleNanos;
    private final long sourceTimeoutNanos;
    private final long summaryNanos;
    private final Supplier<JpegEncoder> encoders;
    private final Broadcaster broadcaster;
    private final Variants variants;
    private final FrameSource source;
    private final Thread thread;
    private final Object monitor = new Object();
    private final AtomicReference<CameraStatus> status;
    private final AtomicLong encoded = new AtomicLong();
    private final AtomicLong captures = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong reopens = new AtomicLong();
    private final EncodeTimes encodeTimes = new EncodeTimes();
    /** Told each live picture's encode time, in nanoseconds, on the capture thread: the metrics' histogram. */
    private volatile LongConsumer encodeObserver = n -> { };

    private volatile boolean running;
    /** When the capture thread entered an open, read or encode that has not returned yet; 0 when it is in none. */
    private volatile long busySince;
    private volatile String busyWith = "";
    /** The capture thread's; set while it runs. */
    private volatile FramePipeline pipeline;

    // Capture thread only.
    private String failure;
    private String failureClass = "";
    private boolean sessionHadFrames;
    private JpegEncoder encoder;

    // Watchdog thread only.
    private boolean reportedStuck;
    private long summaryNanosAt = System.nanoTime();
    private long joinedAtSummary;
    private long leftAtSummary;

    /**
     * @param writers runs the writes to this camera's viewers
     */
    public Camera(CameraConfig cfg, int idleSeconds, int sourceTimeoutSeconds, int summarySeconds,
                  Supplier<JpegEncoder> encoders, Executor writers) {
        this.cfg = cfg;
        this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
        this.sourceTimeoutNanos = TimeUnit.SECONDS.toNanos(sourceTimeoutSeconds);
        this.summaryNanos = TimeUnit.SECONDS.toNanos(summarySeconds);
        this.encoders = encoders;
        this.broadcaster = new Broadcaster(writers, this::wake);
        this.variants = new Variants(cfg.id(), broadcaster, cfg.quality(), cfg.processing().maxVariants());
        this.thread = new Thread(this::run, "camstream-capture-" + cfg.id());
        this.thread.setDaemon(true);
        List<String> problems = new ArrayList<>(cfg.problems());
        FrameSource s = null;
        if (problems.isEmpty()) {
            try {
                s = Sources.create(cfg);
            } catch (RuntimeException e) {
                String msg = "setting " + cfg.key("source") + "='" + cfg.source().text() + "': " + e.getMessage();
                LOG.warning(() -> "Camera '" + cfg.id() + "': " + msg);
                problems.add(msg);
            }
        }
        this.source = s;
        Instant now = Instant.now();
        this.status = new AtomicReference<>(s == null
                ? new CameraStatus(State.MISCONFIGURED, String.join("; ", problems), "no source", now, null, null, 0)
                : new CameraStatus(State.IDLE, "nobody is watching", s.describe(), now, null, null, 0));
    }

    public String id() {
        return cfg.id();
    }

    public CameraConfig config() {
        return cfg;
    }

    /** The main stream's broadcaster; viewers of variants are in their own ({@link #lease}). */
    public Broadcaster broadcaster() {
        return broadcaster;
    }

    /**
     * A hold on the stream {@code request} asks for: the main stream, or a variant shared by all who
     * ask for the same, made from the next frame on. Null when that would be one variant more than
     * {@link #maxVariants}. Release it when the viewer or snapshot has ended.
     */
    public Lease lease(VariantRequest request) {
        FramePipeline p = pipeline;
        // Only a picture's real size tells whether a requested size is no smaller: a device may not give the configured one.
        Lease lease = variants.lease(request, p == null ? 0 : p.size());
        if (lease != null) {
            wake();
        }
        return lease;
    }

    /** Variants this camera makes at most at once, besides its main stream. */
    public int maxVariants() {
        return variants.max();
    }

    /** The variants in use, as the queries that ask for them ({@code width=320}). */
    public List<String> variantsInUse() {
        return variants.inUse();
    }

    /** The streams this camera makes now: the main stream first, then each variant in use. */
    public List<VariantInfo> variants() {
        long main = outputSize();
        List<VariantInfo> list = new ArrayList<>();
        list.add(new VariantInfo("", VariantRequest.width(main), VariantRequest.height(main), cfg.quality(),
                broadcaster.streamViewerCount()));
        for (Variants.Variant v : variants.active()) {
            long size = v.size;
            list.add(new VariantInfo(v.request.describe(), VariantRequest.width(size), VariantRequest.height(size),
                    v.request.quality() > 0 ? v.request.quality() : cfg.quality(), v.broadcaster.streamViewerCount()));
        }
        return list;
    }

    /** Viewers of the main stream and of every variant. */
    public int viewerCount() {
        return broadcaster.cameraViewerCount();
    }

    /** True while anyone wants pictures of this camera, of the main stream or of a variant. */
    public boolean hasDemand() {
        return broadcaster.hasDemand() || variants.any();
    }

    /** Ends every stream of this camera, main and variants; used at shutdown. */
    public void closeViewers(String why) {
        broadcaster.closeAll(why);
        for (Variants.Variant v : variants.active()) {
            v.broadcaster.closeAll(why);
        }
    }

    /**
     * Size of this camera's pictures as sent, packed by {@link VariantRequest#pack}: the last one's, or
     * before any the configured size, turned if the camera is rotated a quarter.
     */
    private long outputSize() {
        FramePipeline p = pipeline;
        long size = p == null ? 0 : p.size();
        if (size != 0) {
            return size;
        }
        return Transform.swapsSides(cfg.processing()) ? VariantRequest.pack(cfg.height(), cfg.width())
                : VariantRequest.pack(cfg.width(), cfg.height());
    }

    /** The broadcasters of the main stream (first) and of each variant in use: every viewer of this camera is in one. */
    public List<Broadcaster> streams() {
        List<Variants.Variant> active = variants.active();
        if (active.isEmpty()) {
            return List.of(broadcaster);
        }
        List<Broadcaster> all = new ArrayList<>(active.size() + 1);
        all.add(broadcaster);
        for (Variants.Variant v : active) {
            all.add(v.broadcaster);
        }
        return all;
    }

    /** The camera's one status value; read it once and use only what it says. */
    public CameraStatus status() {
        return status.get();
    }

    // Bean getters for the index page.
    public String getId() {
        return cfg.id();
    }

    public String getName() {
        return cfg.name();
    }

    public CameraStatus getStatus() {
        return status.get();
    }

    /** JPEG encodes: of the main stream, of every variant, and of placeholders. */
    public long encodedFrames() {
        return encoded.get();
    }

    /** Pictures read from the source while someone watched, each transformed and encoded once per stream. */
    public long capturedFrames() {
        return captures.get();
    }

    /** Pictures not sent because they were byte for byte the one before ({@code dropDuplicates}). */
    public long duplicateFrames() {
        return duplicates.get();
    }

    /** How many times the source was opened again after a failure. */
    public long reopenCount() {
        return reopens.get();
    }

    /** Mean and 99th percentile of the recent encodes of live pictures (all streams). */
    public EncodeTimes.Summary encodeTimes() {
        return encodeTimes.summary();
    }

    /** Also tell {@code observer} each live picture's encode time in nanoseconds (on the capture thread; keep it cheap). */
    public void observeEncodes(LongConsumer observer) {
        this.encodeObserver = observer;
    }

    /** Width and height of the pictures this camera sends: the last one's, else the configured size. */
    public int[] pictureSize() {
        long size = outputSize();
        return new int[] {VariantRequest.width(size), VariantRequest.height(size)};
    }

    /** How many times the source was opened. */
    public long openCount() {
        return opened.get();
    }

    /** How many sessions ended in a failure. */
    public long failureCount() {
        return failures.get();
    }

    public void start() {
        if (source == null) {
            LOG.warning(() -> "Camera '" + cfg.id() + "' is not usable: " + status.get().reason());
            return;
        }
        running = true;
        thread.start();
    }

    /** Asks the capture thread to end; {@link #join} waits for it. */
    public void signalStop() {
        running = false;
        if (thread.isAlive()) {
            thread.interrupt();
        }
        wake();
    }

    /**
     * Waits until the capture thread ended or {@code deadlineNanos} (a {@link System#nanoTime} value)
     * passed. Returns false, after saying in the log what it is stuck in, if the thread is still alive:
     * a read that never returns cannot be interrupted, and the thread ends when it returns.
     */
    public boolean join(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0 && thread.isAlive()) {
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        if (thread.isAlive()) {
            long since = busySince;
            String stuck = since == 0 ? "" : " in the " + busyWith + " of " + status.get().source() + " for "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since) + " s";
            LOG.warning(() -> "Camera '" + cfg.id() + "': the capture thread did not stop" + stuck
                    + "; it ends by itself when that call returns");
            return false;
        }
        return true;
    }

    /** True while the capture thread is inside the JPEG encoder. */
    public boolean stuckInEncoder() {
        return busySince != 0 && "encode".equals(busyWith);
    }

    private void wake() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    // ---- Capture thread ----

    private void run() {
        Mat image = new Mat();
        pipeline = new FramePipeline(cfg, broadcaster, variants, encoded, duplicates, nanos -> {
            encodeTimes.record(nanos);
            encodeObserver.accept(nanos);
        });
        try {
            long backoff = FIRST_BACKOFF_NANOS;
            boolean failedBefore = false;
            while (running) {
                try {
                    if (!awaitWanted()) {
                        continue;
                    }
                    long opensBefore = opened.get();
                    Outcome outcome = session(image);
                    if (failedBefore && opened.get() > opensBefore) {
                        reopens.incrementAndGet();
                    }
                    failedBefore = outcome == Outcome.FAILED;
                    if (outcome == Outcome.RELEASED || sessionHadFrames) {
                        backoff = FIRST_BACKOFF_NANOS;
                    }
                    if (outcome == Outcome.FAILED) {
                        failures.incrementAndGet();
                        long wait = backoff;
                        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                        noSignal(failure, Instant.now().plusNanos(wait));
                        awaitStop(wait);
                    }
                } catch (Throwable t) {
                    // Only a bug in this loop gets here: say so, and go on rather than freeze the camera.
                    LOG.log(Level.SEVERE, "Camera '" + cfg.id() + "': unexpected error in the capture loop", t);
                    awaitStop(FIRST_BACKOFF_NANOS);
                }
            }
        } finally {
            image.release();
            pipeline.close();
            if (encoder != null) {
                try {
                    encoder.close();
                } catch (Throwable t) {
                    LOG.log(Level.FINE, "Closing the encoder failed", t);
                }
            }
        }
    }

    /**
     * Waits while nobody watches, unless the source is to stay open ({@code idleTimeout=0}).
     * Returns true when the source should be opened now.
     */
    private boolean awaitWanted() {
        if (idleNanos == 0 || hasDemand()) {
            return running;
        }
        CameraStatus s = status.get();
        if (s.state() == State.NO_SIGNAL) {
            if (s.nextRetry() != null) {
                status.set(s.to(State.NO_SIGNAL, s.reason(), null));
            }
        } else if (s.state() != State.IDLE) {
            status.set(s.to(State.IDLE, "nobody is watching", null));
        }
        synchronized (monitor) {
            while (running && !hasDemand()) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    // stop() interrupts; the loop checks running.
                }
            }
        }
        return running;
    }

    /** Opens the source, streams until released, stopped or failed, and always closes it. */
    private Outcome session(Mat image) {
        sessionHadFrames = false;
        CameraStatus before = status.get();
        status.set(before.to(before.state() == State.NO_SIGNAL ? State.NO_SIGNAL : State.OPENING,
                before.state() == State.NO_SIGNAL ? before.reason() : "opening " + source.describe(), null));
        try {
            busy("open");
            source.open();
            idle();
            opened.incrementAndGet();
            status.updateAndGet(s -> s.withSource(source.describe()));
            LOG.fine(() -> "Camera '" + cfg.id() + "': opened " + source.describe());

            // Ready JPEG pictures go to viewers as they are unless pixels are needed (config.Pixels decides).
            boolean jpegSource = source.deliversJpeg();
            boolean passthrough = Pixels.passThrough(cfg, jpegSource);
            long lastDemand = System.nanoTime();
            long nextFrame = lastDemand;
            long windowStart = lastDemand;
            int windowFrames = 0;
            double fps = 0;
            while (running) {
                boolean demand = hasDemand();
                long now = System.nanoTime();
                if (demand) {
                    lastDemand = now;
                } else if (idleNanos > 0 && now - lastDemand >= idleNanos) {
                    LOG.info(() -> "Camera '" + cfg.id() + "': no viewers for " + TimeUnit.NANOSECONDS.toSeconds(idleNanos)
                            + " s, released " + source.describe());
                    return Outcome.RELEASED;
                } else if (source.pacingFps() > 0) {
                    // A source without its own clock is not read for nobody.
                    awaitDemand(idleNanos > 0 ? idleNanos - (now - lastDemand) : 0);
                    continue;
                }

                busy("read");
                JpegFrame ready = jpegSource ? source.readJpeg() : null;
                if (ready == null) {
                    source.read(image);
                }
                if (!running) {
                    break;
                }
                Instant capturedAt = Instant.now();
                if (demand) {
                    long t0 = System.nanoTime();
                    long micros = ready != null && ready.timestampMicros() > 0 ? ready.timestampMicros() : micros(capturedAt);
                    captures.incrementAndGet();
                    int encodes = 0;
                    boolean asIs = passthrough && ready != null;
                    if (asIs) {
                        pipeline.publishAsIs(ready.jpeg(), ready.length(), micros);
                    }
                    if (!asIs || pipeline.needsPixels()) {
                        if (ready != null) {
                            busy("decode");
                            decode(ready, image);
                        }
                        busy("encode");
                        encodes = pipeline.process(image, micros, encoder(), asIs);
                    }
                    idle();
                    if (LOG.isLoggable(Level.FINE)) {
                        LOG.fine("Camera '" + cfg.id() + "': " + (asIs ? "passed through, " : "") + encodes + " encodes in "
                                + (System.nanoTime() - t0) / 1000 + " us, " + broadcaster.cameraViewerCount() + " viewers");
                    }
                    windowFrames++;
                    long t = System.nanoTime();
                    boolean newWindow = t - windowStart >= TimeUnit.SECONDS.toNanos(1);
                    if (newWindow) {
                        fps = windowFrames * 1e9 / (t - windowStart);
                        windowStart = t;
                        windowFrames = 0;
                    }
                    sessionHadFrames = true;
                    CameraStatus s = status.get();
                    if (s.state() != State.LIVE) {
                        live(s);
                    } else if (newWindow) {
                        double f = fps;
                        status.updateAndGet(x -> x.withFrame(capturedAt, f));
                    }
                } else {
                    idle();
                }
                nextFrame = pace(source.pacingFps(), nextFrame);
            }
            return Outcome.STOPPED;
        } catch (Throwable t) {
            idle();
            if (!running) {
                return Outcome.STOPPED;
            }
            failure = reason(t);
            failureClass = t instanceof SourceException ? "" : " [" + t.getClass().getName() + "]";
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

    /** Decodes a source's JPEG picture into {@code image}, for settings that need its pixels. */
    private void decode(JpegFrame picture, Mat image) throws SourceException {
        byte[] bytes = picture.length() == picture.jpeg().length ? picture.jpeg()
                : Arrays.copyOf(picture.jpeg(), picture.length());
        MatOfByte buf = new MatOfByte(bytes);
        Mat m = Imgcodecs.imdecode(buf, Imgcodecs.IMREAD_UNCHANGED);
        try {
            if (m.empty()) {
                throw new SourceException(source.describe() + " sent a picture that does not decode");
            }
            m.copyTo(image);
        } finally {
            m.release();
            buf.release();
        }
    }

    /** What the source counted (parts skipped and why, for a relay); empty for most sources. */
    public Map<String, Long> sourceCounters() {
        return source == null ? Map.of() : source.counters();
    }

    private JpegEncoder encoder() {
        if (encoder == null) {
            encoder = encoders.get();
        }
        return encoder;
    }

    private void busy(String what) {
        busyWith = what;
        busySince = System.nanoTime();
    }

    private void idle() {
        busySince = 0;
    }

    private void live(CameraStatus was) {
        Instant now = Instant.now();
        status.set(new CameraStatus(State.LIVE, "live from " + source.describe(), source.describe(), now, now, null, 0));
        if (was.state() == State.NO_SIGNAL) {
            String gap = was.lastFrame() == null ? "" : " after " + Duration.between(was.lastFrame(), now).toSeconds()
                    + " s without a picture";
            LOG.info(() -> "Camera '" + cfg.id() + "': live again from " + source.describe() + gap);
        } else {
            LOG.info(() -> "Camera '" + cfg.id() + "': live from " + source.describe());
        }
    }

    /** The camera shows NO SIGNAL; logged only when the reason is new. */
    private void noSignal(String reason, Instant nextRetry) {
        CameraStatus was = status.getAndUpdate(s -> s.state() == State.NO_SIGNAL && s.reason().equals(reason)
                ? new CameraStatus(State.NO_SIGNAL, reason, s.source(), s.since(), s.lastFrame(), nextRetry, 0)
                : s.to(State.NO_SIGNAL, reason, nextRetry));
        if (was.state() != State.NO_SIGNAL || !was.reason().equals(reason)) {
            String cls = failureClass;
            LOG.warning(() -> "Camera '" + cfg.id() + "': no signal: " + reason + "; retrying while viewers watch" + cls);
        }
    }

    /** Sleeps until the next frame is due; returns when the one after it is due. */
    private long pace(double fps, long nextFrame) {
        if (fps <= 0) {
            return System.nanoTime();
        }
        long period = (long) (1_000_000_000L / fps);
        long due = nextFrame + period;
        long wait = due - System.nanoTime();
        if (wait < -period) {
            return System.nanoTime(); // fell behind: skip, don't burst
        }
        while (running && (wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
        return due;
    }

    /** Waits until a viewer arrives, the camera stops, or {@code nanos} pass (0: no limit). */
    private void awaitDemand(long nanos) {
        synchronized (monitor) {
            if (!running || hasDemand()) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(monitor, nanos > 0 ? nanos : TimeUnit.MINUTES.toNanos(1));
            } catch (InterruptedException e) {
                // stop() interrupts; the loop checks running.
            }
        }
    }

    /** Waits {@code nanos} unless the camera stops first. */
    private void awaitStop(long nanos) {
        long until = System.nanoTime() + nanos;
        long left;
        while (running && (left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /** What viewers and the log are told when a session fails: short and in words. */
    private String reason(Throwable t) {
        if (t instanceof SourceException) {
            return t.getMessage();
        }
        String detail;
        if (t instanceof CvException) {
            String m = String.valueOf(t.getMessage());
            int at = m.indexOf("error: ");
            detail = "OpenCV error " + (at >= 0 ? m.substring(at + 7) : m).strip();
        } else if (t instanceof IllegalArgumentException && t.getMessage() != null) {
            detail = t.getMessage();
        } else {
            // Viewers read the reason: words, not a class name; the log adds the class (failureClass).
            detail = "unexpected error" + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        return source.describe() + ": " + detail.lines().findFirst().orElse(detail) + " (during " + busyWith + ")";
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    // ---- Watchdog thread ----

    /**
     * Called by the watchdog a few times a second, whatever the capture thread is doing: notices a
     * source that stopped answering, keeps every viewer receiving something at least once a second,
     * lets viewers check for stalls, and writes the periodic viewer summary.
     *
     * @param encoder the watchdog's own encoder, for placeholders
     */
    void watch(long now, JpegEncoder encoder) {
        List<Broadcaster> streams = streams();
        for (Broadcaster b : streams) {
            b.tick(now);
        }
        summarize(now);
        CameraStatus s = status.get();
        long since = busySince;
        boolean stuck = since != 0 && now - since > sourceTimeoutNanos && running;
        if (stuck && !reportedStuck) {
            String reason = "no answer from " + s.source() + " for over "
                    + TimeUnit.NANOSECONDS.toSeconds(sourceTimeoutNanos) + " s (" + busyWith + ")";
            if (status.compareAndSet(s, s.to(State.NO_SIGNAL, reason, null))) {
                reportedStuck = true;
                LOG.warning(() -> "Camera '" + cfg.id() + "': no signal: " + reason);
            }
            s = status.get();
        } else if (!stuck) {
            reportedStuck = false;
        }
        if (!hasDemand()) {
            return;
        }
        try {
            if (s.state() == State.LIVE) {
                for (Broadcaster b : streams) {
                    b.resendIfQuiet(QUIET_NANOS);
                }
            } else if ((s.state() == State.OPENING || s.state() == State.IDLE)
                    && Duration.between(s.since(), Instant.now()).toNanos() < TimeUnit.SECONDS.toNanos(1)) {
                return; // most sources open in less: no "opening" flash before the first picture
            } else {
                long main = outputSize();
                placeholder(broadcaster, main, cfg.quality(), s, stuck, now, encoder);
                for (Variants.Variant v : variants.active()) {
                    placeholder(v.broadcaster, v.request.fit(main),
                            v.request.quality() > 0 ? v.request.quality() : cfg.quality(), s, stuck, now, encoder);
                }
            }
        } finally {
            // Viewers with a frame rate cap: their held pictures and their keep-alives, in every state.
            for (Broadcaster b : streams) {
                b.paceCapped(QUIET_NANOS);
            }
        }
    }

    /** Publishes the placeholder to one stream, at its size and quality, if it is due there. */
    private void placeholder(Broadcaster b, long size, int quality, CameraStatus s, boolean stuck, long now,
                             JpegEncoder encoder) {
        if (!b.hasDemand()) {
            return;
        }
        Frame latest = b.latest();
        boolean due = latest == null || now - b.latestNanos() >= QUIET_NANOS
                || s.failing() && !latest.placeholder(); // a failure is news: say so now, not a second later
        if (!due) {
            return;
        }
        Mat m = Placeholder.of(cfg, s, stuck, VariantRequest.width(size), VariantRequest.height(size));
        try {
            byte[] jpeg = encoder.encode(m, quality);
            encoded.incrementAndGet();
            b.publish(jpeg, jpeg.length, micros(Instant.now()), true);
        } finally {
            m.release();
        }
    }


    private void summarize(long now) {
        if (summaryNanos == 0 || now - summaryNanosAt < summaryNanos) {
            return;
        }
        long joined = broadcaster.cameraJoined() - joinedAtSummary;
        long left = broadcaster.cameraLeft() - leftAtSummary;
        joinedAtSummary += joined;
        leftAtSummary += left;
        summaryNanosAt = now;
        if (joined > 0 || left > 0) {
            LOG.info(() -> "Camera '" + cfg.id() + "': " + broadcaster.cameraViewerCount() + " watching; " + joined
                    + " joined and " + left + " left in the last " + TimeUnit.NANOSECONDS.toSeconds(summaryNanos) + " s");
        }
    }
}
