package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.Viewer;
import camstream.stream.ViewerStats;
import jakarta.servlet.ServletOutputStream;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One connected stream over plain HTTP: a {@link ResponseWriter} over the response's non-blocking
 * output stream, with one subclass per format ({@link MultipartViewer}: JPEG pictures, newest wins;
 * {@link Mp4Viewer}: H.264 in fragmented MP4, by groups of pictures), which say what to write next.
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
abstract class HttpViewer extends ResponseWriter implements Viewer {

    private static final Logger LOG = Logger.getLogger(HttpViewer.class.getName());

    private final String camera;
    final String client;
    private final Runnable complete;
    final Broadcaster broadcaster;
    final ViewerStats stats;
    private final double maxFps;

    // Touched only by the writer.
    /** Frames written so far. */
    long framesSent;

    /**
     * @param out      the response's output stream; this viewer sets itself as its write listener in {@link #start}
     * @param complete completes the async request ({@code AsyncContext::complete}); called once
     * @param maxFps   the most new pictures a second this viewer wants; 0 for every one
     */
    HttpViewer(String camera, String client, ServletOutputStream out, Runnable complete, Broadcaster broadcaster,
               long stallNanos, double maxFps) {
        super(client, out, stallNanos);
        this.camera = camera;
        this.client = client;
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
        listen();
    }

    @Override
    void written() {
        framesSent++;
    }

    /** The bytes of the next frame to write, counted in {@link #stats}; null when nothing waits. Writer only. */
    @Override
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
}
