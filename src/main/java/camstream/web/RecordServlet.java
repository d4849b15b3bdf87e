package camstream.web;

import camstream.camera.Camera;
import camstream.record.Recorder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code POST /record/{camera}?action=start[&seconds=N]} and {@code ?action=stop}: a recording on
 * request, for those allowed to change the camera's recordings ({@link Gate#control}). Answers one
 * line of text.
 */
public final class RecordServlet extends HttpServlet {

    /** A manual recording lasts at most this long when given a length (a day). */
    static final int MAX_SECONDS = 86_400;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Camera camera = Gate.control(req, resp, Gate.pathId(req));
        if (camera == null) {
            return;
        }
        Recorder recorder = Requests.app(req).recordings().recorder(camera.id());
        if (recorder == null) {
            Requests.error(resp, HttpServletResponse.SC_CONFLICT, "camera " + camera.id()
                    + " has no recordings directory (set camstream.recordings or camstream.camera." + camera.id() + ".recordings)");
            return;
        }
        String action = req.getParameter("action");
        if ("stop".equals(action)) {
            answer(resp, recorder.stopManual() ? "stopped recording camera " + camera.id()
                    : "camera " + camera.id() + " had no recording on request to stop");
            return;
        }
        if (!"start".equals(action)) {
            Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, "action must be start or stop");
            return;
        }
        int seconds = 0;
        String text = req.getParameter("seconds");
        if (text != null) {
            try {
                seconds = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 1 || seconds > MAX_SECONDS) {
                Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, "seconds must be a whole number from 1 to " + MAX_SECONDS);
                return;
            }
        }
        try {
            recorder.startManual(seconds);
        } catch (IllegalStateException e) {
            Requests.error(resp, HttpServletResponse.SC_CONFLICT, e.getMessage());
            return;
        }
        String problem = recorder.problem();
        answer(resp, "recording camera " + camera.id() + (seconds > 0 ? " for " + seconds + " s" : " until stopped")
                + (problem == null ? "" : " once it can: " + problem));
    }

    private static void answer(HttpServletResponse resp, String line) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        Requests.noCache(resp);
        resp.getWriter().println(line);
    }
}
