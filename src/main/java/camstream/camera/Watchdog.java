package camstream.camera;

import camstream.encode.JpegEncoder;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One small thread for all cameras that runs {@link Camera#watch} four times a second. It does not
 * depend on any capture thread, so it speaks for a camera whose source hangs.
 */
public final class Watchdog {

    private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());
    static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final List<Camera> cameras;
    private final Supplier<JpegEncoder> encoders;
    private final Thread thread;
    private volatile boolean running;

    /** @param encoders makes the watchdog's own encoder for placeholders, on the watchdog's thread */
    public Watchdog(List<Camera> cameras, Supplier<JpegEncoder> encoders) {
        this.cameras = List.copyOf(cameras);
        this.encoders = encoders;
        this.thread = new Thread(this::run, "camstream-watchdog");
        this.thread.setDaemon(true);
    }

    public void start() {
        running = true;
        thread.start();
    }

    /** Stops and joins the thread; safe to call twice. */
    public void stop() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(5));
        if (thread.isAlive()) {
            LOG.warning("The watchdog thread did not stop within 5 s");
        }
    }

    private void run() {
        JpegEncoder encoder = null;
        try {
            try {
                encoder = encoders.get();
            } catch (RuntimeException | LinkageError e) {
                // No encoder (neither TurboJPEG nor OpenCV): placeholders without text, but still the watch.
                LOG.log(Level.WARNING, "The watchdog has no JPEG encoder; placeholders are plain", e);
            }
            long next = System.nanoTime();
            while (running) {
                for (Camera c : cameras) {
                    try {
                        c.watch(System.nanoTime(), encoder);
                    } catch (RuntimeException | LinkageError e) {
                        // One camera's trouble must not cost the others their watch.
                        LOG.log(Level.WARNING, "Watching camera '" + c.id() + "' failed", e);
                    }
                }
                next += PERIOD_NANOS;
                long wait;
                while (running && (wait = next - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (System.nanoTime() - next > PERIOD_NANOS) {
                    next = System.nanoTime(); // fell behind (a paused JVM): don't catch up in a burst
                }
            }
        } finally {
            if (encoder != null) {
                encoder.close();
            }
        }
    }
}
