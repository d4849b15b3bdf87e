package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import camstream.camera.Lease;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** What the servlets share: finding the camera a request names, and short plain-text errors. */
final class Requests {

    private Requests() {
    }

    static Camstream app(HttpServletRequest req) {
        return (Camstream) req.getServletContext().getAttribute(Camstream.ATTRIBUTE);
    }

    /** The camera named by the path info ({@code /stream/front} → front), or null after sending 404/503. */
    static Camera camera(HttpServletRequest req, HttpServletResponse resp, boolean defaultCamera) throws IOException {
        Camstream app = app(req);
        if (app == null || app.stopped()) {
            resp.setHeader("Retry-After", "5");
            error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "camstream is not running");
            return null;
        }
        if (defaultCamera) {
            return app.defaultCamera();
        }
        String info = req.getPathInfo();
        String id = info == null ? "" : info.startsWith("/") ? info.substring(1) : info;
        Camera camera = id.isEmpty() ? null : app.camera(id);
        if (camera == null) {
            error(resp, HttpServletResponse.SC_NOT_FOUND,
                    id.isEmpty() ? "no camera named in the URL" : "unknown camera: " + printable(id));
        }
        return camera;
    }

    /**
     * A hold on the stream {@code options} ask for, or null after answering 503 when that would be a
     * variant more than the camera makes at once.
     */
    static Lease lease(Camera camera, ViewerOptions options, HttpServletResponse resp) throws IOException {
        Lease lease = camera.lease(options.variant());
        if (lease == null) {
            resp.setHeader("Retry-After", "10");
            int max = camera.maxVariants();
            error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, max == 0
                    ? "camera '" + camera.id() + "' sends only its own size and quality (camstream.maxVariants=0)"
                    : "camera '" + camera.id() + "' makes at most " + max + (max == 1 ? " variant" : " variants")
                    + " (other sizes or qualities) at once (camstream.maxVariants); in use: "
                    + String.join(", ", camera.variantsInUse()) + "; ask for one of those or for the camera's own");
        }
        return lease;
    }

    static void noCache(HttpServletResponse resp) {
        resp.setHeader("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0");
        resp.setHeader("Pragma", "no-cache");
        resp.setHeader("Expires", "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    static void error(HttpServletResponse resp, int status, String message) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        noCache(resp);
        resp.getWriter().println(message);
    }

    static String printable(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return t.replaceAll("[^A-Za-z0-9_.~-]", "?");
    }
}
