package camstream.stream;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One viewer's connection as {@code /status} shows it. The counters are written by whichever thread
 * writes to the viewer (one at a time) and by the publishing thread (skips, under the publish lock);
 * per write it costs one volatile store.
 */
public final class ViewerStats {

    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String remote;
    private final Instant since = Instant.now();
    private final Deliveries deliveries;

    // Written by the writer; published by the volatile write of frames that follows them.
    private long bytes;
    private long windowStart = System.nanoTime();
    private long windowFrames;
    private double fps;
    private volatile long frames;
    private volatile long skipped;

    /**
     * @param remote     the client's address and port, as the container says
     * @param deliveries the camera's totals, which every write also counts
     */
    public ViewerStats(String remote, Deliveries deliveries) {
        this.remote = remote;
        this.deliveries = deliveries;
    }

    /** A part of {@code length} bytes carrying {@code frame} was written. */
    public void sent(Frame frame, int length) {
        long now = System.nanoTime();
        deliveries.sent(frame, length, now);
        bytes += length;
        windowFrames++;
        if (now - windowStart >= WINDOW_NANOS) {
            fps = windowFrames * 1e9 / (now - windowStart);
            windowStart = now;
            windowFrames = 0;
        }
        frames = frames + 1;
    }

    /** A pending frame was replaced by a newer one before it was written. */
    public void skipped() {
        skipped(1);
    }

    /** {@code n} frames waiting were dropped before they were written. */
    public void skipped(int n) {
        skipped = skipped + n;
    }

    public String remote() {
        return remote;
    }

    public Instant since() {
        return since;
    }

    public long frames() {
        return frames;
    }

    public long skippedFrames() {
        return skipped;
    }

    public long bytes() {
        long f = frames; // reads after the volatile read see the writer's plain writes before it
        return f == 0 ? 0 : bytes;
    }

    /** Parts per second delivered over about the last second; falls when nothing could be written. */
    public double fps() {
        long f = frames;
        long start = windowStart;
        long elapsed = System.nanoTime() - start;
        if (f == 0) {
            return 0;
        }
        if (elapsed >= 2 * WINDOW_NANOS) {
            return windowFrames * 1e9 / elapsed;
        }
        return fps;
    }
}
