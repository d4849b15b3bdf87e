package camstream.web;

import camstream.hls.Segmenter;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.Viewer;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A camera's HLS stream: one viewer of its H.264 stream, whatever the number of HLS clients, cutting
 * it into segments ({@link Segmenter}). It holds its {@link Ticket} while requests come, and lets go
 * when none came for {@link #IDLE_NANOS}. Held requests are woken on the broadcaster's executor,
 * never on the publishing thread.
 */
final class HlsStream implements Viewer {

    /** No request for this long: nobody plays it (a cache in front asks at least once a part while anyone does). */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final Segmenter segmenter;
    private final Ticket ticket;
    private final Consumer<HlsStream> forget;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Runnable> toWake = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean waking = new AtomicBoolean();
    private volatile long lastRequestNanos = System.nanoTime();

    /** @param forget takes it out of its registry; run once, when it closes */
    HlsStream(Segmenter segmenter, Ticket ticket, Consumer<HlsStream> forget) {
        this.segmenter = segmenter;
        this.ticket = ticket;
        this.forget = forget;
    }

    void start() {
        Broadcaster b = ticket.broadcaster();
        b.add(this);
        b.requestKeyframe();
    }

    Segmenter segmenter() {
        return segmenter;
    }

    /** A request came: the stream is wanted a while longer. */
    void touch() {
        lastRequestNanos = System.nanoTime();
    }

    boolean closed() {
        return closed.get();
    }

    @Override
    public boolean offer(Frame frame) {
        if (closed.get() || frame.track() == null) {
            return false;
        }
        Segmenter.Added added = segmenter.add(frame.part(), frame.keyframe(), frame.track(), frame.timestampMicros());
        if (added.keyframeWanted()) {
            ticket.broadcaster().requestKeyframe();
        }
        if (!added.published()) {
            return false;
        }
        List<Runnable> ready = segmenter.takeReady();
        if (ready.isEmpty()) {
            return false;
        }
        toWake.addAll(ready);
        return waking.compareAndSet(false, true);
    }

    @Override
    public void drain() {
        waking.set(false);
        for (Runnable r; (r = toWake.poll()) != null; ) {
            r.run();
        }
    }

    @Override
    public void tick(long nowNanos) {
        if (nowNanos - lastRequestNanos > IDLE_NANOS) {
            close("no HLS request for " + TimeUnit.NANOSECONDS.toSeconds(IDLE_NANOS) + " s");
        }
    }

    @Override
    public void close(String why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            ticket.broadcaster().remove(this);
            forget.accept(this);
            for (Runnable r : segmenter.end()) {
                r.run();
            }
        } finally {
            ticket.release();
        }
    }
}
