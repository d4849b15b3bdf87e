package camstream.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Stream viewers counted against the limits, per camera and in total. {@link #admit} and
 * {@link #release} pair up; a refused viewer holds nothing.
 */
public final class Admission {

    private final int maxTotal;
    private final ToIntFunction<String> maxPerCamera;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, AtomicInteger> perCamera = new ConcurrentHashMap<>();

    /**
     * @param maxTotal     viewers of all cameras together; 0: no limit
     * @param maxPerCamera the limit of a camera id; 0: no limit
     */
    public Admission(int maxTotal, ToIntFunction<String> maxPerCamera) {
        this.maxTotal = maxTotal;
        this.maxPerCamera = maxPerCamera;
    }

    /** Counts a viewer of {@code camera} in; returns null, or the one-line reason it was refused. */
    public String admit(String camera) {
        AtomicInteger mine = perCamera.computeIfAbsent(camera, c -> new AtomicInteger());
        int max = maxPerCamera.applyAsInt(camera);
        if (max > 0 && mine.incrementAndGet() > max) {
            mine.decrementAndGet();
            return "camera '" + camera + "' already has its maximum of " + max + " viewers; try again later";
        } else if (max <= 0) {
            mine.incrementAndGet();
        }
        if (maxTotal > 0 && total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            mine.decrementAndGet();
            return "the server already has its maximum of " + maxTotal + " viewers; try again later";
        } else if (maxTotal <= 0) {
            total.incrementAndGet();
        }
        return null;
    }

    /** A viewer admitted by {@link #admit} left. */
    public void release(String camera) {
        total.decrementAndGet();
        AtomicInteger mine = perCamera.get(camera);
        if (mine != null) {
            mine.decrementAndGet();
        }
    }
}
