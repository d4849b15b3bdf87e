package camstream.record;

import camstream.camera.Camera;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The time-lapses of all cameras and the one thread, {@code camstream-timelapse}, that asks for their
 * pictures, writes them and follows their schedules. Writing a picture takes a few milliseconds every
 * few seconds: one thread is plenty, and a slow disk holds up only the time-lapses.
 */
public final class TimeLapses {

    private static final Logger LOG = Logger.getLogger(TimeLapses.class.getName());
    static final String THREAD = "camstream-timelapse";

    private final ScheduledExecutorService thread;
    private final Map<String, TimeLapse> cameras = new LinkedHashMap<>();
    private volatile Thread worker;

    private TimeLapses() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread w = new Thread(r, THREAD);
            w.setDaemon(true);
            worker = w;
            return w;
        });
        // At shutdown nothing waits to run: the runs are closed by stop() once the thread has ended.
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        t.setRemoveOnCancelPolicy(true);
        this.thread = t;
    }

    /** One time-lapse per camera, each following its schedule from now on. */
    public static TimeLapses start(Collection<Camera> cameras, Library library, Clock clock) {
        TimeLapses all = new TimeLapses();
        for (Camera c : cameras) {
            TimeLapse t = new TimeLapse(c, library, all.thread, clock);
            all.cameras.put(c.id(), t);
            all.thread.execute(t::followSchedule);
        }
        return all;
    }

    /** The time-lapse of camera {@code id}, or null. */
    public TimeLapse of(String id) {
        return cameras.get(id);
    }

    /**
     * Stops every time-lapse, closing its file, and joins the thread, waiting until {@code deadlineNanos}
     * (a {@link System#nanoTime} value) at most.
     */
    public void stop(long deadlineNanos) throws InterruptedException {
        // On the time-lapse thread, after any write in progress: the encoders are closed where they were used.
        Future<?> finished = thread.submit(() -> cameras.values().forEach(TimeLapse::stopNow));
        try {
            finished.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "Closing the time-lapses did not finish", e);
        }
        thread.shutdown();
        long wait = Math.max(0, deadlineNanos - System.nanoTime());
        if (!thread.awaitTermination(wait, TimeUnit.NANOSECONDS)) {
            thread.shutdownNow();
            LOG.warning("The time-lapse thread did not stop in time; it ends when its write returns");
            return;
        }
        Thread t = worker;
        if (t != null) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        }
        // Only if closing them above could not run at all.
        for (TimeLapse tl : cameras.values()) {
            tl.stopNow();
        }
    }
}
