package camstream.web;

import camstream.camera.Camera;
import camstream.camera.CameraStatus;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code GET /snapshot/{camera}} ({@code /snapshot}: the first camera): one JPEG captured after the request
 * arrived. Waits up to {@link #WAIT_MILLIS} while the device opens, then answers 503 with {@code Retry-After}.
 * Takes the {@code width}, {@code height} and {@code quality} of {@link ViewerOptions}; {@code fps} is checked
 * and has no effect.
 */
public final class SnapshotServlet extends HttpServlet {

    static final long WAIT_MILLIS = 5000;

    /** Headers only, without waiting for a frame. */
    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Pass pass = Gate.pass(req, resp, false);
        if (pass != null && available(resp, pass.camera())) {
            resp.setContentType("image/jpeg");
            Requests.noCache(resp);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Pass pass = Gate.pass(req, resp, false);
        if (pass == null || !available(resp, pass.camera())) {
            return;
        }
        Ticket ticket = Gate.enter(resp, pass::snapshot);
        if (ticket == null) {
            return;
        }
        try {
            AsyncContext async = req.startAsync();
            async.setTimeout(WAIT_MILLIS);
            new Snapshot(async, ticket).start();
        } catch (RuntimeException e) {
            ticket.release();
            throw e;
        }
    }

    /** Whether {@code camera} may have a picture to give; else answers 503 with why not. */
    private static boolean available(HttpServletResponse resp, Camera camera) throws IOException {
        CameraStatus status = camera.status();
        if (status.failing()) {
            resp.setHeader("Retry-After", "5");
            Requests.error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, Snapshot.noPicture(camera, status));
            return false;
        }
        return true;
    }
}
