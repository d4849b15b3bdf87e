package camstream.web;

import camstream.camera.Camera;
import camstream.config.TimeLapseOptions;
import camstream.record.TimeLapse;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code POST /timelapse/{camera}?action=start[&interval=N]} and {@code ?action=stop}: starts or stops
 * the camera's time-lapse, for callers who may change its recordings ({@link Gate#control}). Answers
 * 200 with the time-lapse's state as JSON, 400 with a line for a bad value, 409 when it already runs
 * (start) or does not (stop). Changes only the state: the pictures are written on the time-lapse thread.
 * {@code GET} answers the state to whoever may watch the camera.
 */
public final class TimeLapseServlet extends HttpServlet {

    private final Gson gson = new GsonBuilder().serializeNulls().create();

    /** {@code GET /timelapse/{camera}}: the state, for whoever may watch the camera. */
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Pass pass = Gate.pass(req, resp, Gate.pathId(req));
        if (pass != null) {
            answer(resp, Requests.app(req).timeLapses().of(pass.camera().id()));
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Camera camera = Gate.control(req, resp, Gate.pathId(req));
        if (camera == null) {
            return;
        }
        TimeLapse timeLapse = Requests.app(req).timeLapses().of(camera.id());
        String action = req.getParameter("action");
        if ("start".equals(action)) {
            Integer interval = interval(req.getParameter("interval"), timeLapse.defaultInterval());
            if (interval == null) {
                Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, "interval='"
                        + Requests.printable(req.getParameter("interval")) + "' is not a whole number of seconds from 1 to "
                        + TimeLapseOptions.MAX_INTERVAL_SECONDS);
            } else {
                String refused = timeLapse.start(interval);
                if (refused != null) {
                    Requests.error(resp, HttpServletResponse.SC_CONFLICT, refused);
                } else {
                    answer(resp, timeLapse);
                }
            }
        } else if ("stop".equals(action)) {
            if (!timeLapse.stop()) {
                Requests.error(resp, HttpServletResponse.SC_CONFLICT, "camera '" + camera.id() + "' makes no time-lapse now");
            } else {
                answer(resp, timeLapse);
            }
        } else {
            Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, (action == null ? "no action"
                    : "action='" + Requests.printable(action) + "'") + ": use action=start (with interval=seconds, else " + timeLapse.defaultInterval() + ") or action=stop");
        }
    }

    /** The interval asked for; {@code def} when none; null when it is not one. */
    private static Integer interval(String text, int def) {
        if (text == null || text.isBlank()) {
            return def;
        }
        try {
            int n = Integer.parseInt(text.trim());
            return n >= 1 && n <= TimeLapseOptions.MAX_INTERVAL_SECONDS ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void answer(HttpServletResponse resp, TimeLapse timeLapse) throws IOException {
        resp.setContentType("application/json;charset=UTF-8");
        Requests.noCache(resp);
        gson.toJson(timeLapse.state(), resp.getWriter());
    }
}
