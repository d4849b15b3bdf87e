package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import camstream.camera.Lease;
import camstream.config.Settings;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What the servlets share: finding the camera a request names, access tokens, and short plain-text errors. */
final class Requests {

    private static final Logger LOG = Logger.getLogger(Requests.class.getName());
    /** What every method but GET, HEAD and OPTIONS is answered with. */
    static final String ALLOW = "GET, HEAD, OPTIONS";

    private Requests() {
    }

    static Camstream app(HttpServletRequest req) {
        return (Camstream) req.getServletContext().getAttribute(Camstream.ATTRIBUTE);
    }

    /**
     * The camera named by the path info ({@code /stream/front} → front; none, as in {@code /stream}: the
     * first camera), or null after sending 404/503. {@code defaultCamera} always takes the first.
     */
    static Camera camera(HttpServletRequest req, HttpServletResponse resp, boolean defaultCamera) throws IOException {
        Camstream app = app(req);
        if (app == null || app.stopped()) {
            resp.setHeader("Retry-After", "5");
            error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "camstream is not running");
            return null;
        }
        String info = req.getPathInfo();
        String id = info == null ? "" : info.startsWith("/") ? info.substring(1) : info;
        if (defaultCamera || id.isEmpty()) {
            return app.defaultCamera();
        }
        Camera camera = app.camera(id);
        if (camera == null) {
            error(resp, HttpServletResponse.SC_NOT_FOUND, "unknown camera: " + printable(id));
        }
        return camera;
    }

    /**
     * Whether the request may see {@code camera}: always, unless the camera has an access token; then
     * with {@code ?token=} equal to it, or as a user the container logged in (its login is asked for
     * here when the container has one). Otherwise answers 403 (or the container's login challenge)
     * and returns false. The token is compared in constant time and never logged.
     */
    static boolean allowed(HttpServletRequest req, HttpServletResponse resp, Camera camera) throws IOException {
        Camstream app = app(req);
        String token = app.settings().access().camera(camera.id()).token();
        if (token == null) {
            return true;
        }
        String given = req.getParameter("token");
        if (given != null && sameSecret(given, token)) {
            return true;
        }
        if (req.getUserPrincipal() != null) {
            return true;
        }
        try {
            if (req.authenticate(resp) && req.getUserPrincipal() != null) {
                return true;
            }
        } catch (ServletException | RuntimeException e) {
            LOG.log(Level.FINE, "No container login for camera '" + camera.id() + "'", e);
        }
        if (resp.isCommitted() || resp.getStatus() != HttpServletResponse.SC_OK) {
            return false; // the container answered: a login challenge or its login page
        }
        error(resp, HttpServletResponse.SC_FORBIDDEN, "camera '" + camera.id() + "' needs its access token (?token=) or a login");
        return false;
    }

    /** Equal secrets, compared as SHA-256 digests in constant time whatever their lengths. */
    static boolean sameSecret(String given, String expected) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = sha.digest(given.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha.digest(expected.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The access settings of the running instance. */
    static Settings.Access access(HttpServletRequest req) {
        Camstream app = app(req);
        return app == null ? null : app.settings().access();
    }

    /**
     * A hold on the stream {@code options} ask for, or null after answering 503 when that would be a
     * variant more than the camera makes at once.
     */
    static Lease lease(Camera camera, ViewerOptions options, HttpServletResponse resp) throws IOException {
        Lease lease = camera.lease(options.variant());
        if (lease == null) {
            resp.setHeader("Retry-After", "10");
            error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, noVariant(camera));
        }
        return lease;
    }

    /** Why {@code camera} made no lease on another size or quality, in one line. */
    static String noVariant(Camera camera) {
        String off = camera.whyNoVariants();
        if (off != null) {
            return "camera '" + camera.id() + "' makes no other size or quality: " + off;
        }
        int max = camera.maxVariants();
        return max == 0
                ? "camera '" + camera.id() + "' sends only its own size and quality (camstream.maxVariants=0)"
                : "camera '" + camera.id() + "' makes at most " + max + (max == 1 ? " variant" : " variants")
                + " (other sizes or qualities) at once (camstream.maxVariants); in use: "
                + String.join(", ", camera.variantsInUse()) + "; ask for one of those or for the camera's own";
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

    /** 405 with the methods camstream answers. */
    static void methodNotAllowed(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Allow", ALLOW);
        error(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, printable(req.getMethod()) + " is not allowed here; use GET");
    }

    static String printable(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return t.replaceAll("[^A-Za-z0-9_.~-]", "?");
    }
}
