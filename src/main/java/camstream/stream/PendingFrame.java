package camstream.stream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The newest frame offered to one viewer and not yet written. Almost every offer is the
 * broadcaster's newest frame: that one is remembered by its number, and taken from the broadcaster
 * when written (or a newer one, which is better), so an offer stores no reference into the viewer
 * (see {@link AtomicEnum} for why that matters). Other frames (re-sends) are held by reference, and
 * so is every frame of a viewer with a frame rate cap: for it, the broadcaster's newest frame may be
 * one its cap holds back.
 */
public final class PendingFrame {

    /** The broadcaster whose newest frame is held by number; null for a capped viewer. */
    private final Broadcaster source;
    /** The number of the source's newest frame when it was offered; 0 for none. */
    private final AtomicLong newest = new AtomicLong();
    private final AtomicReference<Frame> other = new AtomicReference<>();

    /** @param maxFps the viewer's frame rate cap, as given to {@link Broadcaster#add(Viewer, double)}; 0 for none */
    public PendingFrame(Broadcaster source, double maxFps) {
        this.source = FpsCap.limits(maxFps) ? null : source;
    }

    /** Makes {@code frame} the pending one; returns true if it replaced one that was never taken. */
    public boolean put(Frame frame) {
        if (source != null && frame == source.latest()) {
            boolean replaced = other.get() != null && other.getAndSet(null) != null;
            return newest.getAndSet(frame.sequence()) != 0 || replaced;
        }
        boolean replaced = newest.get() != 0 && newest.getAndSet(0) != 0;
        return other.getAndSet(frame) != null || replaced;
    }

    /** The pending frame, or null; it is no longer pending. Never older than the one last put. */
    public Frame take() {
        Frame o = other.get() == null ? null : other.getAndSet(null);
        if (newest.getAndSet(0) == 0) {
            return o;
        }
        // The source's newest frame only moves on, so it is at least the one offered.
        Frame latest = source.latest();
        return o != null && o.sequence() > latest.sequence() ? o : latest;
    }

    public boolean isEmpty() {
        return newest.get() == 0 && other.get() == null;
    }

    public void clear() {
        newest.set(0);
        other.set(null);
    }
}
