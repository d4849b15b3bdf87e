package camstream.motion;

import camstream.config.MotionOptions;
import camstream.config.MotionOptions.Zone;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One camera's motion detection. The capture thread hands it a small copy of about {@link #PER_SECOND}
 * transformed pictures a second ({@link #due}, {@link #offer}: one resize, whatever the resolution);
 * its own thread, {@code camstream-motion-{camera}}, takes the newest (older ones are dropped), makes it
 * grey and smaller still, finds what moves ({@link Detector}), turns that into events
 * ({@link EventTracker}), keeps the last {@link #RECENT} with a JPEG of the picture with the most
 * motion, and tells its listeners on that thread. Nothing here waits for the capture thread, nor it for this.
 */
public final class Motion {

    private static final Logger LOG = Logger.getLogger(Motion.class.getName());
    static final int PER_SECOND = 5;
    static final int RECENT = 20;
    /** Width of the copy the capture thread makes (the snapshot's) and of the picture motion is found in. */
    static final int COPY_WIDTH = 640;
    static final int DETECT_WIDTH = 320;
    private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1) / PER_SECOND;
    /** How often the thread looks at the time when no picture comes, to end an event of a camera that stopped. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** A picture that fails is logged at most this often: a camera whose every picture fails would flood the log. */
    private static final long FAILURE_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String camera;
    private final MotionOptions options;
    private final List<Zone> masks;
    private final EventTracker tracker;
    private final Thread thread;
    private volatile boolean running;
    /** The newest picture not yet taken; the capture thread replaces it, the motion thread takes it. */
    private final AtomicReference<Sample> pending = new AtomicReference<>();
    /** Samples to copy into: at most three exist (one written, one pending, one examined). */
    private final Queue<Sample> free = new ConcurrentLinkedQueue<>();
    private final List<MotionListener> listeners = new CopyOnWriteArrayList<>();
    /** Newest first; guarded by itself. */
    private final List<MotionEvent> recent = new ArrayList<>();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean moving;
    /** Capture thread only. */
    private long lastOffer = System.nanoTime() - PERIOD_NANOS;
    // Motion thread only.
    private MotionEvent current;
    private double snapshotArea;
    private long snapshotMicros;
    private long failuresLogged;
    private long nextFailureLog;

    /**
     * @param masks zones besides the configured ones where nothing counts: the time a source or the
     *              overlay draws on the picture
     */
    public Motion(String camera, MotionOptions options, List<Zone> masks) {
        this.camera = camera;
        this.options = options;
        List<Zone> all = new ArrayList<>(options.zones());
        all.addAll(masks);
        this.masks = List.copyOf(all);
        this.tracker = new EventTracker(options.minArea() / 100, TimeUnit.SECONDS.toMicros(options.endAfter()));
        this.thread = new Thread(this::run, "camstream-motion-" + camera);
        this.thread.setDaemon(true);
    }

    public String camera() {
        return camera;
    }

    /** The zones where nothing counts, configured and automatic. */
    public List<Zone> masks() {
        return masks;
    }

    /** Told of each event's start and end, on the motion thread; must not block. */
    public void listen(MotionListener listener) {
        listeners.add(listener);
    }

    public void unlisten(MotionListener listener) {
        listeners.remove(listener);
    }

    /** The last events, newest first, at most {@link #RECENT}. */
    public List<MotionEvent> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** One of the {@link #recent} events, or null. */
    public MotionEvent event(long id) {
        synchronized (recent) {
            for (MotionEvent e : recent) {
                if (e.id() == id) {
                    return e;
                }
            }
        }
        return null;
    }

    /** Whether an event lasts now. */
    public boolean moving() {
        return moving;
    }

    /** Events started so far. */
    public long eventCount() {
        return started.get();
    }

    /** Whether a picture is wanted now; capture thread. */
    public boolean due() {
        return System.nanoTime() - lastOffer >= PERIOD_NANOS;
    }

    /**
     * A transformed picture captured at {@code captureMicros}, if {@link #due}: a copy at most
     * {@link #COPY_WIDTH} wide is handed to the motion thread, replacing one it has not taken yet. Capture thread.
     */
    public void offer(Mat picture, long captureMicros) {
        long now = System.nanoTime();
        if (now - lastOffer < PERIOD_NANOS || !running) {
            return;
        }
        lastOffer = now;
        Sample s = free.poll();
        if (s == null) {
            s = new Sample();
        }
        copy(picture, s.picture);
        s.micros = captureMicros;
        Sample old = pending.getAndSet(s);
        if (old != null) {
            free.add(old);
        }
        LockSupport.unpark(thread);
    }

    /**
     * A copy of {@code picture} at most {@link #COPY_WIDTH} wide. Bilinear, not by area: its cost follows the
     * copy's size, not the picture's (half that of by area at 1080p), and the motion thread averages by area after.
     */
    static void copy(Mat picture, Mat into) {
        if (picture.cols() <= COPY_WIDTH) {
            picture.copyTo(into);
        } else {
            int h = Math.max(1, (int) Math.round(picture.rows() * (double) COPY_WIDTH / picture.cols()));
            Imgproc.resize(picture, into, new Size(COPY_WIDTH, h), 0, 0, Imgproc.INTER_LINEAR);
        }
    }

    public void start() {
        running = true;
        thread.start();
    }

    public void signalStop() {
        running = false;
        LockSupport.unpark(thread);
    }

    /** Waits until the motion thread ended or {@code deadlineNanos} ({@link System#nanoTime}) passed; true if it ended. */
    public boolean join(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0 && thread.isAlive()) {
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        return !thread.isAlive();
    }

    private void run() {
        Mat small = new Mat();
        Mat grey = new Mat();
        try (Detector detector = new Detector(options.sensitivity(), masks)) {
            while (running) {
                Sample s = pending.getAndSet(null);
                if (s == null) {
                    LockSupport.parkNanos(this, IDLE_NANOS);
                    if (pending.get() == null) {
                        changed(tracker.idle(micros(Instant.now())), null);
                    }
                    continue;
                }
                try {
                    grey(s.picture, small, grey);
                    changed(tracker.sample(s.micros, detector.detect(grey)), s);
                } catch (RuntimeException e) {
                    // A bug or an odd picture must not end detection: say so once in a while, go on.
                    failed(e);
                } finally {
                    free.add(s);
                }
            }
        } finally {
            small.release();
            grey.release();
            for (Sample s; (s = free.poll()) != null; ) {
                s.picture.release();
            }
            Sample s = pending.getAndSet(null);
            if (s != null) {
                s.picture.release();
            }
        }
    }

    /** Pictures detection failed on so far. */
    long failures() {
        return failures.get();
    }

    /** Logs a picture that failed: the first with its trace, then at most once a minute with the count since. */
    private void failed(RuntimeException e) {
        long n = failures.incrementAndGet();
        long now = System.nanoTime();
        if (n > 1 && now - nextFailureLog < 0) {
            LOG.log(Level.FINE, e, () -> "Camera '" + camera + "': motion detection failed on a picture");
            return;
        }
        long since = n - failuresLogged;
        failuresLogged = n;
        nextFailureLog = now + FAILURE_LOG_NANOS;
        if (n == 1) {
            LOG.log(Level.WARNING, "Camera '" + camera + "': motion detection failed on a picture; going on", e);
        } else {
            LOG.warning(() -> "Camera '" + camera + "': motion detection failed on " + since + " more pictures (" + e + ")");
        }
    }

    /** {@code picture} grey and {@link #DETECT_WIDTH} wide, in {@code grey}. */
    static void grey(Mat picture, Mat small, Mat grey) {
        int h = Math.max(1, (int) Math.round(picture.rows() * (double) DETECT_WIDTH / picture.cols()));
        Imgproc.resize(picture, small, new Size(DETECT_WIDTH, h), 0, 0, Imgproc.INTER_AREA);
        switch (small.channels()) {
            case 3 -> Imgproc.cvtColor(small, grey, Imgproc.COLOR_BGR2GRAY);
            case 4 -> Imgproc.cvtColor(small, grey, Imgproc.COLOR_BGRA2GRAY);
            default -> small.copyTo(grey);
        }
    }

    /** Acts on what a sample ({@code s}; null: only time passed) did. */
    private void changed(EventTracker.Change change, Sample s) {
        switch (change) {
            case STARTED -> {
                snapshotArea = tracker.peak();
                snapshotMicros = s.micros;
                current = new MotionEvent(camera, started.incrementAndGet(), instant(tracker.startMicros()), null,
                        tracker.peak(), jpeg(s.picture));
                synchronized (recent) {
                    recent.add(0, current);
                    if (recent.size() > RECENT) {
                        recent.remove(RECENT);
                    }
                }
                moving = true;
                LOG.fine(() -> "Camera '" + camera + "': motion started (event " + current.id() + ")");
                for (MotionListener l : listeners) {
                    tell(l, current, true);
                }
            }
            case PEAK -> {
                // A new snapshot when the motion grew by a fifth, at most once a second: encoding is not free.
                boolean snap = tracker.peak() > snapshotArea * 1.2 && s.micros - snapshotMicros >= 1_000_000;
                if (snap) {
                    snapshotArea = tracker.peak();
                    snapshotMicros = s.micros;
                }
                replace(new MotionEvent(camera, current.id(), current.start(), null, tracker.peak(),
                        snap ? jpeg(s.picture) : current.snapshot()));
            }
            case ENDED -> {
                replace(new MotionEvent(camera, current.id(), current.start(), instant(tracker.lastMotionMicros()),
                        current.peakArea(), current.snapshot()));
                moving = false;
                LOG.fine(() -> "Camera '" + camera + "': motion ended (event " + current.id() + ")");
                for (MotionListener l : listeners) {
                    tell(l, current, false);
                }
            }
            case NONE -> { }
        }
    }

    private void replace(MotionEvent e) {
        synchronized (recent) {
            recent.replaceAll(x -> x == current ? e : x);
        }
        current = e;
    }

    private void tell(MotionListener l, MotionEvent e, boolean start) {
        try {
            if (start) {
                l.motionStarted(e);
            } else {
                l.motionEnded(e);
            }
        } catch (RuntimeException x) {
            LOG.log(Level.WARNING, "Camera '" + camera + "': a motion listener failed", x);
        }
    }

    private static byte[] jpeg(Mat picture) {
        MatOfByte buf = new MatOfByte();
        MatOfInt params = new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 80);
        try {
            return Imgcodecs.imencode(".jpg", picture, buf, params) ? buf.toArray() : null;
        } finally {
            buf.release();
            params.release();
        }
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    /** A copy of one picture and when it was captured. */
    private static final class Sample {
        final Mat picture = new Mat();
        long micros;
    }
}
