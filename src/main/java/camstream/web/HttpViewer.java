package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.Viewer;
import camstream.stream.ViewerStats;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One connected stream over plain HTTP: a {@link LatestWinsWriter} over the response's non-blocking
 * output stream, with one subclass per format ({@link MultipartViewer}: JPEG pictures, newest wins;
 * {@link Mp4Viewer}: H.264 in fragmented MP4, by groups of pictures), which say what to write next.
 * Each step asks {@code isReady()} first (Tomcat refuses two writes without it in between); when it
 * says false, the container owes an {@code onWritePossible}, as it does once after
 * {@code setWriteListener}: the writer waits PENDING from the start.
 *
 * <p>A container callback that ends the stream ({@code AsyncListener.onError}, {@code onTimeout},
 * {@code WriteListener.onError}) records the close and returns once the stream is ended: a writer in a
 * call first returns from it and completes the response ({@link LatestWinsWriter#closeFromContainer}).
 * When the callback returns, Tomcat may complete and recycle the response and hand its objects to the
 * next request: a call still in progress then reaches that request. After {@code onError} returned,
 * Tomcat refuses {@code AsyncContext.complete()} from an application thread and completes the request
 * itself; Jetty's {@code HttpOutput} checks its state under its channel's lock in each call. Either way
 * the stream ends once and the admission is released ({@code complete} runs its release whatever the
 * container says).
 */
abstract class HttpViewer extends LatestWinsWriter implements Viewer, WriteListener, AsyncListener {

    private static final Logger LOG = Logger.getLogger(HttpViewer.class.getName());

    private final String camera;
    final String client;
    private final ServletOutputStream out;
    private final Runnable complete;
    final Broadcaster broadcaster;
    final ViewerStats stats;
    private final double maxFps;

    // Touched only by the writer.
    // The first flush sends the response head alone, before any frame exists.
    private boolean needFlush = true;
    /** Frames written so far. */
    long framesSent;

    /**
     * @param out      the response's output stream; this viewer sets itself as its write listener in {@link #start}
     * @param complete completes the async request ({@code AsyncContext::complete}); called once
     * @param maxFps   the most new pictures a second this viewer wants; 0 for every one
     */
    HttpViewer(String camera, String client, ServletOutputStream out, Runnable complete, Broadcaster broadcaster,
               long stallNanos, double maxFps) {
        super(client, State.PENDING, stallNanos, "write", "bytes");
        this.camera = camera;
        this.client = client;
        this.out = out;
        this.complete = complete;
        this.broadcaster = broadcaster;
        this.stats = new ViewerStats(client, broadcaster.deliveries());
        this.maxFps = maxFps;
    }

    @Override
    public ViewerStats stats() {
        return stats;
    }

    /** Joins the broadcaster and starts writing; the container may call onWritePossible at once, on another thread. */
    public void start() {
        broadcaster.add(this, maxFps);
        LOG.fine(() -> "Viewer " + client + " connected to camera '" + camera + "' (" + broadcaster.cameraViewerCount()
                + " watching)");
        out.setWriteListener(this);
    }

    @Override
    public void onWritePossible() {
        succeeded();
    }

    /** One write or flush, each right after isReady() said true. */
    @Override
    Action process() throws IOException {
        if (!out.isReady()) {
            return Action.SCHEDULED;
        }
        if (closed()) {
            return Action.CONTINUE; // a close came since the writer looked: it completes the response next
        }
        if (needFlush) {
            needFlush = false;
            out.flush();
            return Action.CONTINUE;
        }
        byte[] next = next();
        if (next == null) {
            return Action.IDLE;
        }
        out.write(next);
        framesSent++;
        needFlush = true;
        return Action.CONTINUE;
    }

    /** The bytes of the next frame to write, counted in {@link #stats}; null when nothing waits. Writer only. */
    abstract byte[] next() throws IOException;

    /** Lets go of what waits; the stream has ended. */
    abstract void clearPending();

    @Override
    void onClosing() {
        broadcaster.remove(this);
    }

    /** Completes the response. */
    @Override
    void onClosed(String reason, boolean inFlight) {
        clearPending();
        broadcaster.remove(this);
        try {
            complete.run();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Completing " + client + " failed");
        }
        LOG.fine(() -> "Viewer " + client + " disconnected from camera '" + camera + "' after " + framesSent
                + " frames (" + reason + "); " + broadcaster.cameraViewerCount() + " watching");
    }

    @Override
    public void onError(Throwable t) {
        closeFromContainer("connection error: " + t.getClass().getSimpleName());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close("completed");
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        closeFromContainer("timed out");
    }

    @Override
    public void onError(AsyncEvent event) {
        Throwable t = event.getThrowable();
        closeFromContainer("connection error: " + (t == null ? "unknown" : t.getClass().getSimpleName()));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
