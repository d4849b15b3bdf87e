package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import camstream.stream.Multipart;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /stream/{camera}} and {@code GET /video_feed}: an endless
 * {@code multipart/x-mixed-replace} stream of JPEG frames, written without blocking.
 */
public final class StreamServlet extends HttpServlet {

    /** Headers only; the default HEAD would run doGet and never end. */
    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (Requests.camera(req, resp, "/video_feed".equals(req.getServletPath())) != null) {
            resp.setContentType(Multipart.CONTENT_TYPE);
            Requests.noCache(resp);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        boolean videoFeed = "/video_feed".equals(req.getServletPath());
        Camera camera = Requests.camera(req, resp, videoFeed);
        if (camera == null) {
            return;
        }
        Camstream app = Requests.app(req);
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(Multipart.CONTENT_TYPE);
        Requests.noCache(resp);
        resp.setHeader("X-Accel-Buffering", "no");

        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        String client = req.getRemoteAddr() + ":" + req.getRemotePort();
        MultipartViewer viewer = new MultipartViewer(camera.id(), client, resp.getOutputStream(), async::complete,
                camera.broadcaster(), TimeUnit.SECONDS.toNanos(app.settings().stallTimeoutSeconds()));
        async.addListener(viewer);
        viewer.start();
    }
}
