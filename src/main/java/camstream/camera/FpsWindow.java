package camstream.camera;

import java.util.concurrent.TimeUnit;

/** Pictures per second over windows of about a second. Capture thread only. */
final class FpsWindow {

    private long start;
    private int frames;
    private double value;

    FpsWindow(long start) {
        this.start = start;
    }

    /** Counts a frame; true when a window closed and {@link #value} is new. */
    boolean frame(long now) {
        frames++;
        if (now - start < TimeUnit.SECONDS.toNanos(1)) {
            return false;
        }
        value = frames * 1e9 / (now - start);
        start = now;
        frames = 0;
        return true;
    }

    double value() {
        return value;
    }
}
