package camstream.capture;

import camstream.CameraConfig;
import camstream.source.FrameSource;
import camstream.source.SourceException;
import camstream.source.Sources;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import org.opencv.core.Mat;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One camera and its capture thread. The thread opens the source when the first viewer arrives,
 * reads, encodes each frame once and publishes it, and releases the source after the idle
 * timeout. When the source fails, viewers get a placeholder saying why and the source is reopened
 * with backoff while anyone is watching.
 */
public final class Camera {

    private static final Logger LOG = Logger.getLogger(Camera.class.getName());
    private static final long PLACEHOLDER_REPEAT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final CameraConfig cfg;
    private final long idleNanos;
    private final Supplier<JpegEncoder> encoders;
    private final Broadcaster broadcaster;
    private final Thread thread;
    private final Object monitor = new Object();
    private final AtomicLong encoded = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();

    private volatile boolean running;
    private volatile boolean sourceOpen;
    private volatile String status;
    private volatile boolean failing;

    // Capture thread only.
    private JpegEncoder encoder;
    private long sequence;
    private long lastMicros;

    /**
     * @param idleSeconds seconds the source stays open after the last viewer left; 0 keeps it open
     */
    public Camera(CameraConfig cfg, int idleSeconds, Supplier<JpegEncoder> encoders) {
        this.cfg = cfg;
        this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
        this.encoders = encoders;
        this.broadcaster = new Broadcaster(this::wake);
        this.thread = new Thread(this::run, "camstream-capture-" + cfg.id());
        this.thread.setDaemon(true);
        this.status = cfg.valid() ? "idle" : String.join("; ", cfg.problems());
        this.failing = !cfg.valid();
    }

    public CameraConfig config() {
        return cfg;
    }

    public Broadcaster broadcaster() {
        return broadcaster;
    }

    // Bean getters for the index page.
    public String getId() {
        return cfg.id();
    }

    public String getName() {
        return cfg.name();
    }

    public String getStatus() {
        return status;
    }

    /** The source setting, e.g. "device:0" or "test-pattern". */
    public String getSource() {
        return cfg.source();
    }

    public boolean isFailing() {
        return failing;
    }

    public boolean isSourceOpen() {
        return sourceOpen;
    }

    public long encodedFrames() {
        return encoded.get();
    }

    /** How many times the source was opened. */
    public long openCount() {
        return opened.get();
    }

    public void start() {
        running = true;
        thread.start();
    }

    /** Stops and joins the capture thread, which releases the source; safe to call twice. */
    public void stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        wake();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (thread.isAlive()) {
            LOG.warning(() -> "Camera '" + cfg.id() + "': capture thread did not stop within 10 s (source stuck in a read?)");
        }
    }

    private void wake() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    private void run() {
        Mat image = new Mat();
        FrameSource source = cfg.valid() ? Sources.create(cfg) : null;
        try {
            encoder = encoders.get();
            if (source == null) {
                showProblem();
            } else {
                capture(source, image);
            }
        } catch (RuntimeException | Error e) {
            // The last line of defence: a bug here must not silently leave viewers with a frozen picture.
            LOG.log(Level.SEVERE, "Camera '" + cfg.id() + "': capture thread failed", e);
            status = "internal error: " + e;
            failing = true;
        } finally {
            if (source != null) {
                source.close();
            }
            sourceOpen = false;
            image.release();
            if (encoder != null) {
                encoder.close();
            }
        }
    }

    private void capture(FrameSource source, Mat image) {
        long lastDemand = System.nanoTime();
        long backoff = TimeUnit.SECONDS.toNanos(1);
        long nextFrame = 0;
        while (running) {
            boolean demand = broadcaster.hasDemand();
            long now = System.nanoTime();
            if (demand) {
                lastDemand = now;
            } else {
                if (sourceOpen && idleNanos > 0 && now - lastDemand >= idleNanos) {
                    source.close();
                    sourceOpen = false;
                    status = "idle";
                    LOG.info(() -> "Camera '" + cfg.id() + "': no viewers for " + idleNanos / 1_000_000_000L
                            + " s, released " + source.describe());
                }
                boolean keepReading = sourceOpen && source.pacingFps() == 0;
                boolean keepOpen = idleNanos == 0 && !failing;
                if (!keepReading && !(keepOpen && !sourceOpen)) {
                    long waitNanos = sourceOpen && idleNanos > 0 ? idleNanos - (now - lastDemand) : 0;
                    awaitDemand(waitNanos);
                    continue;
                }
            }
            if (!sourceOpen) {
                try {
                    source.open();
                } catch (SourceException e) {
                    backoff = fail(source, e.getMessage(), backoff);
                    continue;
                }
                sourceOpen = true;
                opened.incrementAndGet();
                failing = false;
                backoff = TimeUnit.SECONDS.toNanos(1);
                nextFrame = System.nanoTime();
                status = "live from " + source.describe();
                LOG.info(() -> "Camera '" + cfg.id() + "': opened " + source.describe());
            }
            try {
                source.read(image);
            } catch (SourceException e) {
                source.close();
                sourceOpen = false;
                backoff = fail(source, e.getMessage(), backoff);
                continue;
            }
            if (demand) {
                publish(image, false);
            }
            double fps = source.pacingFps();
            if (fps > 0) {
                long period = (long) (1_000_000_000L / fps);
                nextFrame += period;
                long wait = nextFrame - System.nanoTime();
                if (wait < -period) {
                    nextFrame = System.nanoTime(); // fell behind: skip, don't burst
                }
                while (running && (wait = nextFrame - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }

    /** Shows the failure to viewers and waits before the next attempt; returns the next backoff. */
    private long fail(FrameSource source, String message, long backoff) {
        boolean first = !failing || !message.equals(status);
        failing = true;
        status = message;
        if (first) {
            LOG.warning(() -> "Camera '" + cfg.id() + "': " + message + "; retrying while viewers watch");
        }
        Mat m = Placeholder.render(cfg, message);
        try {
            long until = System.nanoTime() + backoff;
            while (running && broadcaster.hasDemand()) {
                publish(m, true);
                long left = until - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                awaitStop(Math.min(left, PLACEHOLDER_REPEAT_NANOS));
            }
        } finally {
            m.release();
        }
        return Math.min(backoff * 2, MAX_BACKOFF_NANOS);
    }

    /** An invalid configuration: nothing to open, only the placeholder saying what is wrong. */
    private void showProblem() {
        LOG.warning(() -> "Camera '" + cfg.id() + "' is not usable: " + status);
        Mat m = Placeholder.render(cfg, status);
        try {
            while (running) {
                if (broadcaster.hasDemand()) {
                    publish(m, true);
                    awaitStop(PLACEHOLDER_REPEAT_NANOS);
                } else {
                    awaitDemand(0);
                }
            }
        } finally {
            m.release();
        }
    }

    private void publish(Mat image, boolean placeholder) {
        long t0 = System.nanoTime();
        byte[] jpeg = encoder.encode(image, cfg.quality());
        encoded.incrementAndGet();
        Instant now = Instant.now();
        long micros = Math.max(lastMicros + 1, now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
        lastMicros = micros;
        Frame f = new Frame(++sequence, micros, jpeg, jpeg.length, placeholder);
        broadcaster.publish(f);
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("Camera '" + cfg.id() + "': frame " + sequence + ", " + jpeg.length + " bytes, encoded in "
                    + (System.nanoTime() - t0) / 1000 + " us, " + broadcaster.viewerCount() + " viewers");
        }
    }

    /** Waits until a viewer arrives, the camera stops, or {@code nanos} pass (0: no limit). */
    private void awaitDemand(long nanos) {
        synchronized (monitor) {
            if (!running || broadcaster.hasDemand()) {
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
}
