package camstream.stream;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * What one camera's viewers were sent, all together. Updated on every write of every viewer, so it
 * holds only what is cheap there: two adders and one observer call.
 */
public final class Deliveries {

    private final LongAdder frames = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private volatile LongConsumer latencyObserver = n -> { };

    /** Also tell {@code observer} the capture-to-send time of each new frame written, in nanoseconds; keep it cheap. */
    public void observeLatency(LongConsumer observer) {
        this.latencyObserver = observer;
    }

    /** Parts written to viewers: new frames, placeholders and keep-alive repeats. */
    public long frames() {
        return frames.sum();
    }

    /** Bytes written to viewers, part headers and delimiters included. */
    public long bytes() {
        return bytes.sum();
    }

    void sent(Frame frame, int length, long nowNanos) {
        frames.increment();
        bytes.add(length);
        if (!frame.repeat()) {
            latencyObserver.accept(nowNanos - frame.captureNanos());
        }
    }
}
