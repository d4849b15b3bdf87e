package camstream.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;

/**
 * camstream's error page for whatever status the container sends (web.xml's default {@code <error-page>}):
 * one line in words, without a stack trace, a server version or anything the request sent.
 */
public final class ErrorServlet extends HttpServlet {

    private static final Map<Integer, String> WORDS = Map.ofEntries(
            Map.entry(400, "bad request"),
            Map.entry(401, "login required"),
            Map.entry(403, "not allowed"),
            Map.entry(404, "not found"),
            Map.entry(405, "method not allowed"),
            Map.entry(408, "request timed out"),
            Map.entry(413, "request too large"),
            Map.entry(414, "address too long"),
            Map.entry(415, "unsupported media type"),
            Map.entry(431, "request headers too large"),
            Map.entry(500, "internal error; the server log says more"),
            Map.entry(501, "not implemented"),
            Map.entry(503, "unavailable; try again shortly"));

    /** Every method: an error dispatch keeps the method of the request that failed. */
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Jetty dispatches the sendError(401) of request.authenticate() without the attribute; the status is set.
        int status = code instanceof Integer i ? i
                : resp.getStatus() >= 400 ? resp.getStatus() : HttpServletResponse.SC_NOT_FOUND;
        if (resp.isCommitted()) {
            return;
        }
        resp.setStatus(status);
        if (status == HttpServletResponse.SC_METHOD_NOT_ALLOWED && resp.getHeader("Allow") == null) {
            resp.setHeader("Allow", Requests.ALLOW);
        }
        String line = status + " " + WORDS.getOrDefault(status, status >= 500 ? "server error" : "request refused");
        resp.setContentType("text/plain;charset=UTF-8");
        Requests.noCache(resp);
        if (!"HEAD".equals(req.getMethod())) {
            resp.getWriter().println(line);
        }
    }
}
