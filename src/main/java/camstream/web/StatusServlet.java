package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import camstream.camera.VariantInfo;
import camstream.camera.CameraStatus;
import camstream.camera.EncodeTimes;
import camstream.config.SourceSpec;
import camstream.motion.EventJson;
import camstream.stream.Broadcaster;
import camstream.stream.Viewer;
import camstream.stream.ViewerStats;
import camstream.record.Recordings;
import camstream.record.TimeLapse;
import camstream.record.TimeLapses;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code GET /status}: what camstream is doing, as JSON written by Gson from the records below (their
 * component names are the field names README documents); {@code ?camera=ID} keeps one camera.
 * Each camera's status is read once, so its fields agree with each other. No access token appears.
 */
public final class StatusServlet extends HttpServlet {

    static final String VERSION = version();

    private final Gson gson = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    record Status(String version, String started, long uptimeSeconds, Map<String, String> nativeLibraries,
                  int viewerCount, List<CameraJson> cameras) {
    }

    record CameraJson(String id, String name, String source, String sourceKind, String state, String reason,
                      String since, String lastFrame, String nextRetry, int width, int height, int configuredWidth,
                      int configuredHeight, int configuredFps, double captureFps, EncodeJson encodeMillis,
                      int viewerCount, List<VariantInfo> variants, VideoJson h264, List<ViewerJson> viewers,
                      Recordings.State recording, List<Recordings.Entry> recordings,
                      TimeLapse.State timelapse, MotionJson motion, List<EventJson> events) {
    }

    /** Whether the camera detects motion, and whether an event lasts now. */
    record MotionJson(boolean on, boolean moving) {
    }

    /** The H.264 stream: {@code off} (and why), {@code encoding} while an encoder exists, else {@code idle}. */
    record VideoJson(String state, String reason, int viewerCount, EncodeJson encodeMillis, long framesPassedThrough,
                     long framesDecoded, long hlsRequests, List<VariantInfo> streams) {
    }

    record EncodeJson(double mean, double p99, int samples) {
    }

    record ViewerJson(String remote, String codec, String connectedSince, double fps, long frames, long framesSkipped,
                      long bytes) {
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Camstream app = Requests.app(req);
        if (app == null || app.stopped()) {
            resp.setHeader("Retry-After", "5");
            Requests.error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "camstream is not running");
            return;
        }
        String only = req.getParameter("camera");
        List<CameraJson> cameras = new ArrayList<>();
        int viewers = 0;
        for (Camera c : app.cameras()) {
            viewers += c.broadcaster().cameraViewerCount();
            if (only == null || only.equals(c.id())) {
                cameras.add(camera(c, app.recordings(), app.timeLapses()));
            }
        }
        if (only != null && cameras.isEmpty()) {
            Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, "unknown camera: " + Requests.printable(only));
            return;
        }
        Instant now = Instant.now();
        Status status = new Status(VERSION, app.started().toString(), Duration.between(app.started(), now).toSeconds(),
                app.nativeLibraries(), viewers, cameras);
        resp.setContentType("application/json;charset=UTF-8");
        Requests.noCache(resp);
        gson.toJson(status, resp.getWriter());
    }

    private static CameraJson camera(Camera c, Recordings recordings, TimeLapses timeLapses) {
        CameraStatus s = c.status();
        SourceSpec spec = c.config().source();
        int[] size = c.pictureSize();
        EncodeTimes.Summary enc = c.counters().encodeTimes();
        List<ViewerJson> viewers = new ArrayList<>();
        List<Broadcaster> videos = c.videos();
        for (Broadcaster stream : c.streams()) {
            String codec = videos.contains(stream) ? "h264" : "jpeg";
            for (Viewer v : stream.viewers()) {
                ViewerStats st = v.stats();
                if (st != null) {
                    viewers.add(new ViewerJson(st.remote(), codec, st.since().toString(), round(st.fps()), st.frames(),
                            st.skippedFrames(), st.bytes()));
                }
            }
        }
        return new CameraJson(c.id(), c.config().name(), s.publicSource(), spec == null ? null : spec.name(),
                s.state().label(), s.publicReason(), text(s.since()), text(s.lastFrame()), text(s.nextRetry()),
                size[0], size[1], c.config().width(), c.config().height(), c.config().fps(), round(s.fps()),
                new EncodeJson(enc.meanMillis(), enc.p99Millis(), enc.samples()), c.broadcaster().cameraViewerCount(),
                c.variants(), video(c), viewers, recordings.state(c.id()), recordings.entries(c.id()),
                timeLapses.of(c.id()).state(),
                new MotionJson(c.motion() != null, c.motion() != null && c.motion().moving()),
                c.motion() == null ? List.of() : c.motion().recent().stream().map(EventJson::of).toList());
    }

    private static VideoJson video(Camera c) {
        EncodeTimes.Summary enc = c.counters().videoEncodeTimes();
        String off = c.whyNoVideo();
        return new VideoJson(off != null ? "off" : c.videoPassedThrough() ? "passthrough" : c.videoEncoding() ? "encoding" : "idle",
                off, c.videoViewerCount(), new EncodeJson(enc.meanMillis(), enc.p99Millis(), enc.samples()),
                c.counters().passedThrough(), c.counters().decoded(), c.counters().hlsRequests(), off != null ? List.of() : c.videoVariants());
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = StatusServlet.class.getResourceAsStream("/camstream/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unknown then
        }
        return p.getProperty("version", "unknown");
    }
}
