package camstream.camera;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that stands still until a test moves it, and jumps ahead by the whole wait whenever a
 * camera waits on it: the capture loop's backoffs, pacing and idle timeouts pass at once, and
 * the times it records are exact.
 */
final class FakeClock implements Clock {

    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private volatile Runnable onAwait = () -> { };

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public Instant now() {
        return EPOCH.plusNanos(nanos.get());
    }

    @Override
    public void await(Object monitor, long waitNanos) {
        onAwait.run();
        nanos.addAndGet(waitNanos);
        Thread.yield();
    }

    /** Runs {@code r} at the start of every wait, on the waiting thread: to see a camera while it waits. */
    void onAwait(Runnable r) {
        this.onAwait = r;
    }

    void advance(long byNanos) {
        nanos.addAndGet(byNanos);
    }

    /** Seconds since {@code fromNanos}, as a {@link #nanoTime} value. */
    double secondsSince(long fromNanos) {
        return (nanos.get() - fromNanos) / 1e9;
    }
}
