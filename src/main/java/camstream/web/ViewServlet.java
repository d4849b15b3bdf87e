package camstream.web;

import camstream.camera.Camera;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code GET /view/{camera}}: one camera filling the window, over the page's WebSocket; takes the
 * options of a stream URL ({@code ?width=640&fps=10}).
 */
public final class ViewServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        Camera camera = Requests.camera(req, resp, false);
        if (camera == null) {
            return;
        }
        ViewerOptions options = ViewerOptions.read(req, resp);
        if (options == null) {
            return;
        }
        req.setAttribute("camstream.camera", camera);
        req.setAttribute("camstream.options", options.query());
        req.getRequestDispatcher("/WEB-INF/view.jsp").forward(req, resp);
    }
}
