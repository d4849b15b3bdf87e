package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import camstream.camera.CameraStatus;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

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
        // Each camera's status is read once, so that its lines agree with each other.
        Map<Camera, CameraStatus> cameras = new LinkedHashMap<>();
        for (Camera c : app.cameras()) {
            cameras.put(c, c.status());
        }
        PrintWriter w = resp.getWriter();
        metric(w, cameras, "camstream_viewers", "gauge", "Connected stream viewers",
                (c, s) -> c.broadcaster().viewerCount());
        w.print("# HELP camstream_camera_state 1 for the state the camera is in: "
                + "idle, opening, live, no-signal or misconfigured\n# TYPE camstream_camera_state gauge\n");
        cameras.forEach((c, s) -> {
            for (CameraStatus.State state : CameraStatus.State.values()) {
                w.print("camstream_camera_state{camera=\"" + c.id() + "\",state=\"" + state.label() + "\"} "
                        + (s.state() == state ? 1 : 0) + "\n");
            }
        });
        metric(w, cameras, "camstream_source_open", "gauge", "1 while the camera's source is open and delivering pictures",
                (c, s) -> s.state() == CameraStatus.State.LIVE ? 1 : 0);
        metric(w, cameras, "camstream_source_failing", "gauge", "1 while the camera shows a placeholder instead of a picture",
                (c, s) -> s.failing() ? 1 : 0);
        metric(w, cameras, "camstream_capture_fps", "gauge", "Live pictures per second captured, over the last second",
                (c, s) -> s.fps());
        metric(w, cameras, "camstream_source_opens_total", "counter", "Times the source was opened",
                (c, s) -> c.openCount());
        metric(w, cameras, "camstream_source_failures_total", "counter", "Times the source failed and was closed to be reopened",
                (c, s) -> c.failureCount());
        metric(w, cameras, "camstream_frames_encoded_total", "counter",
                "JPEG encodes (pictures and placeholders), once per frame and variant whatever the viewers",
                (c, s) -> c.encodedFrames());
        metric(w, cameras, "camstream_frames_captured_total", "counter",
                "Pictures read from the source while someone watched", (c, s) -> c.capturedFrames());
        metric(w, cameras, "camstream_frames_duplicate_total", "counter",
                "Frames not sent because they were byte for byte the one before (dropDuplicates), per stream",
                (c, s) -> c.duplicateFrames());
        metric(w, cameras, "camstream_variants", "gauge",
                "Other sizes or qualities being made for viewers, besides the camera's own stream",
                (c, s) -> c.variants().size() - 1);
        metric(w, cameras, "camstream_frames_skipped_total", "counter",
                "Frames a slow viewer skipped because a newer one replaced them", (c, s) -> c.broadcaster().skipped());
        metric(w, cameras, "camstream_viewers_joined_total", "counter", "Stream viewers that connected",
                (c, s) -> c.broadcaster().joined());
        metric(w, cameras, "camstream_viewers_left_total", "counter", "Stream viewers that disconnected or were disconnected",
                (c, s) -> c.broadcaster().left());
    }

    private interface Value {
        double of(Camera c, CameraStatus s);
    }

    private static void metric(PrintWriter w, Map<Camera, CameraStatus> cameras, String name, String type, String help,
                               Value value) {
        w.print("# HELP " + name + " " + help + "\n");
        w.print("# TYPE " + name + " " + type + "\n");
        cameras.forEach((c, s) -> {
            double v = value.of(c, s);
            w.print(name + "{camera=\"" + c.id() + "\"} " + (v == Math.rint(v) ? Long.toString((long) v) : String.format(
                    java.util.Locale.ROOT, "%.2f", v)) + "\n");
        });
    }
}
