package camstream.web;

import camstream.camera.Camera;
import camstream.camera.CameraStatus;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code GET /snapshot/{camera}} ({@code /snapshot}: the first camera): one JPEG captured after the request arrived. Waits up to
 * {@link #WAIT_MILLIS} while the device opens, then answers 503 with {@code Retry-After}.
 */
public final class SnapshotServlet extends HttpServlet {

    static final long WAIT_MILLIS = 5000;

    /** Headers only, without waiting for a frame. */
    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Camera camera = Requests.camera(req, resp, false);
        if (camera == null || !Requests.allowed(req, resp, camera)) {
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
        CameraStatus status = camera.status();
        if (status.failing()) {
            unavailable(resp, camera, status);
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(WAIT_MILLIS);
        new Snapshot(async, camera).start();
    }

    private static void unavailable(HttpServletResponse resp, Camera camera, CameraStatus status) throws IOException {
        resp.setHeader("Retry-After", "5");
        Requests.error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, Snapshot.noPicture(camera, status));
    }
}
