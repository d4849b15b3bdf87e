package camstream.stream;

/**
 * One viewer's frame rate cap ({@code ?fps=}): when its next new picture is due, the newest one held
 * back until then, and when it was offered nothing for long enough to be sent its picture again.
 * It decides; the {@link Broadcaster} numbers the frames and offers them. Not thread-safe: the
 * broadcaster calls it under its publish lock. Times are {@link System#nanoTime()} values.
 */
final class FpsCap {

    /** Least time between two new pictures. */
    private final long periodNanos;
    /** When the next new picture may be offered. */
    private long nextDue;
    /** The picture last offered (a new one or the same again), and when. */
    private Frame last;
    private long lastOffered;
    /** The newest picture not offered yet because it came before it was due. */
    private Frame held;

    /** A viewer that asked for at most {@code maxFps} and joins at {@code now}: its first picture is due at once. */
    FpsCap(double maxFps, long now) {
        if (!limits(maxFps)) {
            throw new IllegalArgumentException("not a frame rate cap: " + maxFps);
        }
        this.periodNanos = (long) (1e9 / maxFps);
        this.nextDue = now;
        this.lastOffered = now;
    }

    /** Whether a viewer's {@code maxFps} caps it; 0 asks for every picture. */
    static boolean limits(double maxFps) {
        return maxFps > 0;
    }

    /**
     * A new frame was published: true if it is to be offered now, because it is due or because it is
     * news (a placeholder after pictures, or pictures after a placeholder); otherwise it is held until
     * due, replacing one held before.
     */
    boolean offerNow(Frame f, long now) {
        boolean news = last == null || last.placeholder() != f.placeholder();
        if (!news && now - nextDue < 0) {
            held = f;
            return false;
        }
        offered(f, now, true);
        return true;
    }

    /**
     * Called a few times a second: the picture to offer now, or null. That is the held one once it is
     * due, else the last one offered when nothing was offered for {@code quietNanos} (a keep-alive).
     * Either is a picture offered before or published before: the broadcaster sends it under a new
     * number.
     */
    Frame dueAt(long now, long quietNanos) {
        Frame f = held;
        if (f != null && now - nextDue >= 0) {
            offered(f, now, true);
            return f;
        }
        f = last;
        if (f != null && now - lastOffered >= quietNanos) {
            offered(f, now, false);
            return f;
        }
        return null;
    }

    /** A new picture moves the next due time on by one period. */
    private void offered(Frame f, long now, boolean newPicture) {
        if (newPicture) {
            long late = now - nextDue;
            // On time (or up to one period late): keep to the grid, so the rate is the cap, not a little less.
            nextDue = late >= 0 && late < periodNanos ? nextDue + periodNanos : now + periodNanos;
            held = null;
        }
        last = f;
        lastOffered = now;
    }
}
