package camstream.support;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A viewer that keeps reading its stream on a thread of its own, as a browser does, and keeps every
 * part it received, so a test can look at rates, gaps and pictures while it watches.
 */
public final class BackgroundViewer implements AutoCloseable {

    private final MjpegStream stream;
    private final Thread thread;
    private final List<MjpegStream.Part> parts = new ArrayList<>();
    private volatile IOException ended;

    private BackgroundViewer(MjpegStream stream) {
        this.stream = stream;
        this.thread = new Thread(this::run, "test-viewer");
        this.thread.setDaemon(true);
    }

    /** Opens the stream (fails unless it is one) and starts reading it. */
    public static BackgroundViewer open(URI uri) throws IOException, InterruptedException {
        BackgroundViewer v = new BackgroundViewer(MjpegStream.open(uri));
        v.thread.start();
        return v;
    }

    private void run() {
        try {
            while (true) {
                MjpegStream.Part p = stream.next();
                synchronized (parts) {
                    parts.add(p);
                    parts.notifyAll();
                }
            }
        } catch (IOException e) {
            ended = e;
        }
    }

    /** A copy of the parts received so far. */
    public List<MjpegStream.Part> parts() {
        synchronized (parts) {
            return new ArrayList<>(parts);
        }
    }

    /** The parts that arrived from {@code fromNanos} on (System.nanoTime). */
    public List<MjpegStream.Part> partsSince(long fromNanos) {
        return parts().stream().filter(p -> p.arrivalNanos() >= fromNanos).toList();
    }

    /** Waits until at least {@code n} parts arrived in all; returns the n-th. Fails after {@code seconds}. */
    public MjpegStream.Part await(int n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (parts) {
            while (parts.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended != null) {
                    throw new AssertionError("got " + parts.size() + " of " + n + " parts in " + seconds + " s"
                            + (ended == null ? "" : "; the stream ended: " + ended));
                }
                TimeUnit.NANOSECONDS.timedWait(parts, left);
            }
            return parts.get(n - 1);
        }
    }

    /** Closes the connection, as a browser tab that goes away; the reading thread ends with it. */
    @Override
    public void close() throws IOException, InterruptedException {
        stream.close();
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }

    /**
     * Fails unless every part of {@code parts} came at most {@code seconds} after the one before (the first
     * after {@code fromNanos}), and the last at most that long before now.
     */
    public static void assertMaxGap(List<MjpegStream.Part> parts, long fromNanos, double seconds) {
        List<Double> gaps = new ArrayList<>();
        long last = fromNanos;
        for (MjpegStream.Part p : parts) {
            gaps.add((p.arrivalNanos() - last) / 1e9);
            last = p.arrivalNanos();
        }
        gaps.add((System.nanoTime() - last) / 1e9);
        assertTrue(gaps.stream().allMatch(g -> g <= seconds), "a gap of over " + seconds + " s between parts: " + gaps);
    }
}
