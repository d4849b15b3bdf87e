package camstream.record;

import java.util.concurrent.TimeUnit;

/**
 * What asks a camera to record, set from any thread (motion's, a request's) without blocking and read
 * by the recorder's: its mode, motion with its post-roll, a recording on request with its end.
 */
final class Triggers {

    private final boolean continuous;
    private final long postRollNanos;
    private volatile boolean motion;
    private volatile long motionStartMicros;
    private volatile boolean postRoll;
    private volatile long postRollUntil;
    private volatile boolean manual;
    private volatile boolean manualForever;
    private volatile long manualUntil;

    Triggers(boolean continuous, int postRollSeconds) {
        this.continuous = continuous;
        this.postRollNanos = TimeUnit.SECONDS.toNanos(postRollSeconds);
    }

    /** Motion that began at {@code startMicros} (the time of its first picture, since the epoch). */
    void motionStarted(long startMicros) {
        motionStartMicros = startMicros;
        motion = true;
        postRoll = false;
    }

    /** When the motion that asks for a recording began; meaningless unless {@link #kind} is motion. */
    long motionStartMicros() {
        return motionStartMicros;
    }

    void motionEnded() {
        postRollUntil = System.nanoTime() + postRollNanos;
        postRoll = true;
        motion = false;
    }

    /** On request, for {@code seconds} (0: until {@link #stopManual}). */
    synchronized void startManual(int seconds) {
        manualUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(0, seconds));
        manualForever = seconds <= 0;
        manual = true;
    }

    /** Returns whether a recording on request was going. */
    synchronized boolean stopManual() {
        boolean was = manual;
        manual = false;
        return was;
    }

    boolean manual() {
        return manual;
    }

    /** Whether anything asks for a recording at {@code now} ({@link System#nanoTime}); a request past its end ends. */
    boolean wanted(long now) {
        if (manual && !manualForever && now - manualUntil >= 0) {
            synchronized (this) {
                if (!manualForever && now - manualUntil >= 0) {
                    manual = false;
                }
            }
        }
        return continuous || motion || postRoll && now - postRollUntil < 0 || manual;
    }

    /** The kind of file to begin now. */
    String kind() {
        return continuous ? "continuous" : manual ? "manual" : "motion";
    }
}
