package camstream.motion;

/**
 * Turns the moving share of each sample into events: an event starts once motion was seen in
 * {@link #START_AFTER} samples in a row (one odd sample is not an event), at the first of them, and
 * ends at the last sample with motion once no motion was seen for {@code endAfter}. No pixels, no
 * threads, no clock of its own: times are the samples' capture times, so that it is tested with
 * scripted samples. Used by one thread.
 */
final class EventTracker {

    static final int START_AFTER = 3;

    /** What a sample or the passing of time did. */
    enum Change { NONE, STARTED, PEAK, ENDED }

    private final double minArea;
    private final long endAfterMicros;
    private int run;
    private long runStart;
    private long start;
    private long lastMotion;
    private boolean active;
    private double peak;

    /**
     * @param minArea  the share of the picture (0..1) that must move for a sample to count
     * @param endAfterMicros how long without motion ends an event
     */
    EventTracker(double minArea, long endAfterMicros) {
        this.minArea = minArea;
        this.endAfterMicros = endAfterMicros;
    }

    /** A sample taken at {@code micros} in which {@code area} of the picture moved. */
    Change sample(long micros, double area) {
        if (area < minArea || area <= 0) {
            run = 0;
            return idle(micros);
        }
        if (run++ == 0) {
            runStart = micros;
        }
        lastMotion = micros;
        if (!active) {
            if (run < START_AFTER) {
                return Change.NONE;
            }
            active = true;
            start = runStart;
            peak = area;
            return Change.STARTED;
        }
        if (area > peak) {
            peak = area;
            return Change.PEAK;
        }
        return Change.NONE;
    }

    /** Time passed to {@code micros} (a sample without motion, or none came): ends an event that has been still for long enough. */
    Change idle(long micros) {
        if (active && micros - lastMotion >= endAfterMicros) {
            active = false;
            return Change.ENDED;
        }
        return Change.NONE;
    }

    boolean active() {
        return active;
    }

    /** When the event under way (or the last one) started: its first sample with motion. */
    long startMicros() {
        return start;
    }

    /** When motion was last seen: an ended event's end. */
    long lastMotionMicros() {
        return lastMotion;
    }

    double peak() {
        return peak;
    }
}
