package camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code GET /view/{camera}}: one camera filling the window, over the page's WebSocket; takes the
 * options of a stream URL ({@code ?width=640&fps=10}). Passes the same gate as the camera's stream,
 * so a caller who may not watch it gets the stream's answer, not a page that stays empty.
 */
public final class ViewServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        Pass pass = Gate.pass(req, resp, false);
        if (pass == null) {
            return;
        }
        req.setAttribute("camstream.camera", pass.camera());
        req.setAttribute("camstream.options", pass.options().query());
        req.getRequestDispatcher("/WEB-INF/view.jsp").forward(req, resp);
    }
}
