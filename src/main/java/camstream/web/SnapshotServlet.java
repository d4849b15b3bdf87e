package camstream.web;

import camstream.capture.Camera;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code GET /snapshot/{camera}}: one JPEG captured after the request arrived. Waits up to
 * {@link #WAIT_MILLIS} while the device opens, then answers 503 with {@code Retry-After}.
 */
public final class SnapshotServlet extends HttpServlet {

    static final long WAIT_MILLIS = 5000;

    /** Headers only, without waiting for a frame. */
    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Camera camera = Requests.camera(req, resp, false);
        if (camera != null && camera.isFailing()) {
            unavailable(resp, camera);
        } else if (camera != null) {
            resp.setContentType("image/jpeg");
            Requests.noCache(resp);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Camera camera = Requests.camera(req, resp, false);
        if (camera == null) {
            return;
        }
        if (camera.isFailing()) {
            unavailable(resp, camera);
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(WAIT_MILLIS);
        new Snapshot(async, camera.broadcaster(), frame -> frame.placeholder() ? "camera '" + camera.getId()
                + "' has no picture: " + camera.getStatus() : null).start();
    }

    private static void unavailable(HttpServletResponse resp, Camera camera) throws IOException {
        resp.setHeader("Retry-After", "5");
        Requests.error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                "camera '" + camera.getId() + "' has no picture: " + camera.getStatus());
    }
}
