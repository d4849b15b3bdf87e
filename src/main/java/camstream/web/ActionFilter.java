package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mjpg-streamer's URLs at the context root: {@code ?action=stream} and {@code ?action=snapshot} (the first
 * camera, or {@code &camera=ID}), and {@code ?action=stream_N} / {@code snapshot_N} for the N-th camera
 * from 0, forwarded to {@code /stream/ID} and {@code /snapshot/ID}. Without {@code action} the page shows.
 */
public final class ActionFilter extends HttpFilter {

    private static final Pattern ACTION = Pattern.compile("(stream|snapshot)(?:_(\\d{1,4}))?");

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        String action = req.getParameter("action");
        String uri = req.getRequestURI().substring(req.getContextPath().length());
        if (action == null || !(uri.equals("/") || uri.equals("/index.jsp"))) {
            chain.doFilter(req, resp);
            return;
        }
        Matcher m = ACTION.matcher(action);
        if (!m.matches()) {
            Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, "unknown action '" + Requests.printable(action)
                    + "' (stream, snapshot, stream_N or snapshot_N)");
            return;
        }
        Camstream app = Requests.app(req);
        if (app == null) {
            chain.doFilter(req, resp); // the page says camstream is not running
            return;
        }
        String id = req.getParameter("camera");
        String number = m.group(2);
        Camera camera = number != null ? app.camera(Integer.parseInt(number))
                : id != null ? app.camera(id) : app.defaultCamera();
        if (camera == null) {
            Gate.unknownCamera(req, resp, number != null ? number : id, number != null
                    ? "no camera number " + number + " (there are " + app.cameras().size() + ", counted from 0)" : null);
            return;
        }
        req.getRequestDispatcher("/" + m.group(1) + "/" + camera.id()).forward(req, resp);
    }
}
