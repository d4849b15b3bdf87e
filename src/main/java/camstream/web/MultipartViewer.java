package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.PendingFrame;
import jakarta.servlet.ServletOutputStream;

/**
 * One connected {@code multipart/x-mixed-replace} stream of JPEG pictures ({@link HttpViewer}). Holds
 * at most one pending frame, the newest; older ones are skipped.
 */
public final class MultipartViewer extends HttpViewer {

    private final PendingFrame pending;
    // Touched only by the writer.
    private long lastSequence = -1;

    /**
     * @param out      the response's output stream; this viewer sets itself as its write listener in {@link #start}
     * @param complete completes the async request ({@code AsyncContext::complete}); called once
     */
    public MultipartViewer(String camera, String client, ServletOutputStream out, Runnable complete,
                           Broadcaster broadcaster, long stallNanos) {
        this(camera, client, out, complete, broadcaster, stallNanos, 0);
    }

    /** @param maxFps the most new pictures a second this viewer wants; 0 for every one */
    public MultipartViewer(String camera, String client, ServletOutputStream out, Runnable complete,
                           Broadcaster broadcaster, long stallNanos, double maxFps) {
        super(camera, client, out, complete, broadcaster, stallNanos, maxFps);
        this.pending = new PendingFrame(broadcaster, maxFps);
    }

    @Override
    public boolean offer(Frame frame) {
        if (closed()) {
            return false;
        }
        if (pending.put(frame)) {
            broadcaster.countSkipped();
            stats.skipped();
        }
        return wake();
    }

    @Override
    byte[] next() {
        for (Frame f = pending.take(); f != null; f = pending.take()) {
            if (f.sequence() > lastSequence) {
                // The opening delimiter rides with the first part: written alone, it is small enough
                // for Jetty to aggregate, and Jetty then holds a 32 KB buffer for the rest of the stream.
                byte[] part = framesSent == 0 ? f.openingPart() : f.part();
                stats.sent(f, part.length);
                lastSequence = f.sequence();
                return part;
            }
        }
        return null;
    }

    @Override
    boolean hasPending() {
        return !pending.isEmpty();
    }

    @Override
    void clearPending() {
        pending.clear();
    }
}
