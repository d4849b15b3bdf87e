package camstream.stream;

/**
 * One connected client of a {@link Broadcaster}: it holds at most one pending frame, the newest,
 * and writes it without blocking when its connection accepts bytes.
 */
public interface Viewer {

    /**
     * Makes {@code frame} the pending frame, replacing (skipping) an older one that was not written
     * yet. Never blocks. Returns true when this call made the viewer busy: the caller must then run
     * {@link #drain} on the broadcaster's executor, or, if it cannot, {@link #close} then {@link #drain}.
     */
    boolean offer(Frame frame);

    /** Writes what is pending while the connection accepts bytes; runs only after {@link #offer} returned true. */
    void drain();

    /** Called a few times a second whatever the camera does: a viewer that accepted no bytes for too long closes itself. */
    void tick(long nowNanos);

    /** Ends this viewer once, whichever path gets here first; safe from any thread and more than once. */
    void close(String why);

    /** What this viewer was sent, for {@code /status}; null if it does not count. */
    default ViewerStats stats() {
        return null;
    }
}
