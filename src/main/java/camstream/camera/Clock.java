package camstream.camera;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The time as a camera sees it, and its timed waits. The system's in production; a test's that
 * moves only when told (or jumps ahead when the camera waits), so that backoff, idle release and
 * stuck detection are tested in milliseconds instead of minutes.
 */
public interface Clock {

    /** Monotonic nanoseconds, as {@link System#nanoTime}. */
    long nanoTime();

    /** The wall-clock time, for statuses and timestamps. */
    Instant now();

    /**
     * Waits on {@code monitor}, which the caller holds, until notified or {@code nanos} (more than 0)
     * passed; may return earlier, so callers check their condition again.
     */
    void await(Object monitor, long nanos) throws InterruptedException;

    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void await(Object monitor, long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.timedWait(monitor, nanos);
        }
    };
}
