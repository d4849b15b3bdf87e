package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.Multipart;

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
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One snapshot request: waits for the next frame, then writes its JPEG without blocking. Whichever
 * comes first, the frame or the timeout, answers; the other finds the request already taken.
 */
final class Snapshot implements Consumer<Frame>, AsyncListener {

    private static final Logger LOG = Logger.getLogger(Snapshot.class.getName());

    private final AsyncContext async;
    private final Broadcaster broadcaster;
    private final Function<Frame, String> problem;
    private final AtomicBoolean taken = new AtomicBoolean();

    /**
     * @param problem says why a frame cannot be served (e.g. it is a placeholder), or returns null
     */
    Snapshot(AsyncContext async, Broadcaster broadcaster, Function<Frame, String> problem) {
        this.async = async;
        this.broadcaster = broadcaster;
        this.problem = problem;
    }

    void start() {
        async.addListener(this);
        broadcaster.awaitNext(this);
    }

    /** The next frame arrived (capture thread). */
    @Override
    public void accept(Frame frame) {
        if (!taken.compareAndSet(false, true)) {
            return;
        }
        HttpServletResponse resp = (HttpServletResponse) async.getResponse();
        String why = problem.apply(frame);
        if (why != null) {
            respond(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, why);
            return;
        }
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType("image/jpeg");
        resp.setContentLength(frame.jpegLength());
        resp.setHeader("X-Timestamp", Multipart.formatTimestamp(frame.timestampMicros()));
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
        }
    }
}
