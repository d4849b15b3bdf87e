package camstream.web;

import camstream.Camstream;
import camstream.capture.Camera;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;

/** {@code GET /metrics}: per-camera counters in the Prometheus text format. */
public final class MetricsServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Camstream app = Requests.app(req);
        if (app == null || app.stopped()) {
            Requests.error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "camstream is not running");
            return;
        }
        resp.setContentType("text/plain;version=0.0.4;charset=UTF-8");
        Requests.noCache(resp);
        PrintWriter w = resp.getWriter();
        metric(w, app, "camstream_viewers", "gauge", "Connected stream viewers",
                c -> c.broadcaster().viewerCount());
        metric(w, app, "camstream_source_open", "gauge", "1 while the camera's device or file is open",
                c -> c.isSourceOpen() ? 1 : 0);
        metric(w, app, "camstream_source_failing", "gauge", "1 while the camera shows a placeholder instead of a picture",
                c -> c.isFailing() ? 1 : 0);
        metric(w, app, "camstream_source_opens_total", "counter", "Times the source was opened",
                Camera::openCount);
        metric(w, app, "camstream_frames_encoded_total", "counter", "JPEG encodes, once per frame whatever the viewers",
                Camera::encodedFrames);
        metric(w, app, "camstream_frames_skipped_total", "counter", "Frames a slow viewer skipped because a newer one replaced them",
                c -> c.broadcaster().skipped());
    }

    private static void metric(PrintWriter w, Camstream app, String name, String type, String help,
                               java.util.function.ToLongFunction<Camera> value) {
        w.print("# HELP " + name + " " + help + "\n");
        w.print("# TYPE " + name + " " + type + "\n");
        for (Camera c : app.cameras()) {
            w.print(name + "{camera=\"" + c.getId() + "\"} " + value.applyAsLong(c) + "\n");
        }
    }
}
