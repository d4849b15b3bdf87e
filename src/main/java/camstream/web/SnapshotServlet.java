package camstream.web;

import camstream.camera.Camera;
import camstream.camera.CameraStatus;
import camstream.camera.Lease;
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
        Camera camera = Requests.camera(req, resp, false);
        if (camera == null || !Requests.allowed(req, resp, camera) || ViewerOptions.read(req, resp) == null) {
            return;
        }
        CameraStatus status = camera.status();
        if (status.failing()) {
            unavailable(resp, camera, status);
        } else {
            resp.setContentType("image/jpeg");
            Requests.noCache(resp);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Camera camera = Requests.camera(req, resp, false);
        if (camera == null || !Requests.allowed(req, resp, camera)) {
            return;
        }
        ViewerOptions options = ViewerOptions.read(req, resp);
        if (options == null) {
            return;
        }
        CameraStatus status = camera.status();
        if (status.failing()) {
            unavailable(resp, camera, status);
            return;
        }
        Lease lease = Requests.lease(camera, options, resp);
        if (lease == null) {
            return;
        }
        try {
            AsyncContext async = req.startAsync();
            async.setTimeout(WAIT_MILLIS);
            new Snapshot(async, camera, lease).start();
        } catch (RuntimeException e) {
            lease.release();
            throw e;
        }
    }

    private static void unavailable(HttpServletResponse resp, Camera camera, CameraStatus status) throws IOException {
        resp.setHeader("Retry-After", "5");
        Requests.error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, Snapshot.noPicture(camera, status));
    }
}
