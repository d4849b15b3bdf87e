package camstream.camera;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@link #SIZE} encode times of one camera, for {@code /status}: written by the encoder
 * threads (one store per encode), summarised when someone asks.
 */
public final class EncodeTimes {

    /** About 8 s at 30 fps. */
    static final int SIZE = 256;

    private final AtomicLongArray nanos = new AtomicLongArray(SIZE);
    private final AtomicLong count = new AtomicLong();

    void record(long encodeNanos) {
        nanos.set((int) (count.getAndIncrement() % SIZE), encodeNanos);
    }

    /** Mean and 99th percentile in milliseconds over the recent encodes; 0 and 0 before the first. */
    public record Summary(double meanMillis, double p99Millis, int samples) {
    }

    public Summary summary() {
        int n = (int) Math.min(count.get(), SIZE);
        if (n == 0) {
            return new Summary(0, 0, 0);
        }
        long[] copy = new long[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            copy[i] = nanos.get(i);
            sum += copy[i];
        }
        Arrays.sort(copy);
        int p99 = Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1);
        return new Summary(round(sum / (double) n / 1e6), round(copy[p99] / 1e6), n);
    }

    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }
}
