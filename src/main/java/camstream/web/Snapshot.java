package camstream.web;

import camstream.camera.Camera;
import camstream.camera.CameraStatus;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.Multipart;
import camstream.stream.Via;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One snapshot request: waits for the next live frame, then writes its JPEG without blocking.
 * Whichever comes first, the frame, a placeholder from a failing camera, or the timeout, answers;
 * the others find the request already taken.
 */
final class Snapshot implements Consumer<Frame>, AsyncListener {

    private static final Logger LOG = Logger.getLogger(Snapshot.class.getName());

    private final AsyncContext async;
    private final Camera camera;
    private final Ticket ticket;
    private final Broadcaster broadcaster;
    private final AtomicBoolean taken = new AtomicBoolean();

    /** @param ticket the stream to take the picture from; released when the request ends */
    Snapshot(AsyncContext async, Ticket ticket) {
        this.async = async;
        this.camera = ticket.camera();
        this.ticket = ticket;
        this.broadcaster = ticket.broadcaster();
    }

    /** The one line a client gets when a camera has no picture. */
    static String noPicture(Camera camera, CameraStatus status) {
        return "camera '" + camera.id() + "' has no picture: " + status.publicReason();
    }

    void start() {
        async.addListener(this);
        broadcaster.awaitNext(this);
    }

    /** The next frame arrived (on the broadcaster's executor). */
    @Override
    public void accept(Frame frame) {
        CameraStatus status = camera.status();
        if (frame.placeholder() && !status.failing() && !taken.get()) {
            // "Opening...": wait on for the picture, until the timeout.
            broadcaster.awaitNext(this);
            return;
        }
        if (!taken.compareAndSet(false, true)) {
            return;
        }
        HttpServletResponse resp = (HttpServletResponse) async.getResponse();
        if (frame.placeholder()) {
            respond(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, noPicture(camera, status));
            return;
        }
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType("image/jpeg");
        resp.setContentLength(frame.jpegLength());
        resp.setHeader("X-Timestamp", Multipart.formatTimestamp(frame.timestampMicros()));
        if (frame.via().size() > 0) {
            resp.setHeader(Via.HEADER, frame.via().value());
        }
        Requests.noCache(resp);
        write(resp, frame.part(), frame.jpegOffset(), frame.jpegLength());
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        broadcaster.cancel(this);
        if (taken.compareAndSet(false, true)) {
            respond((HttpServletResponse) async.getResponse(), HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "no frame within the wait; the camera may still be opening");
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        broadcaster.cancel(this);
        if (taken.compareAndSet(false, true)) {
            complete();
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        broadcaster.cancel(this);
        ticket.release();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }

    private void respond(HttpServletResponse resp, int status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setContentLength(body.length);
        resp.setHeader("Retry-After", "2");
        Requests.noCache(resp);
        write(resp, body, 0, body.length);
    }

    /** Writes one body, then completes; the container calls onWritePossible at once and after the write drains. */
    private void write(HttpServletResponse resp, byte[] bytes, int off, int len) {
        try {
            ServletOutputStream out = resp.getOutputStream();
            out.setWriteListener(new WriteListener() {
                private boolean written;

                @Override
                public void onWritePossible() throws IOException {
                    if (!written) {
                        written = true;
                        out.write(bytes, off, len);
                    }
                    if (out.isReady()) {
                        complete();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    complete();
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Snapshot write failed", e);
            complete();
        }
    }

    private void complete() {
        try {
            async.complete();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Completing a snapshot failed", e);
        } finally {
            broadcaster.cancel(this);
            ticket.release();
        }
    }
}
