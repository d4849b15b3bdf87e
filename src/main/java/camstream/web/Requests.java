package camstream.web;

import camstream.Camstream;
import camstream.config.Access;
import camstream.record.Library;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** What the servlets share: the running instance, and short plain-text errors. Who may see a camera is {@link Gate}'s. */
final class Requests {

    /** What every method but GET, HEAD and OPTIONS is answered with. */
    static final String ALLOW = "GET, HEAD, OPTIONS";
    static final String ALLOW_CONTROL = "GET, HEAD, POST, DELETE, OPTIONS";

    private Requests() {
    }

    static Camstream app(HttpServletRequest req) {
        return (Camstream) req.getServletContext().getAttribute(Camstream.ATTRIBUTE);
    }

    /** The recordings of every camera. */
    static Library library(HttpServletRequest req) {
        Camstream app = app(req);
        return app == null ? null : app.recordings().library();
    }

    /** The access settings of the running instance. */
    static Access access(HttpServletRequest req) {
        Camstream app = app(req);
        return app == null ? null : app.settings().access();
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
