package camstream;

import camstream.it.support.Browser;
import camstream.support.EmbeddedCamstream;
import camstream.support.Recordings;
import camstream.support.Jpeg;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.videoio.VideoWriter;
import org.opencv.videoio.Videoio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Motion detection in the packaged WAR, on an MJPEG AVI whose scene is still for 4 s, has a square
 * cross it for 3 s, then is still for 15 s (played round and round): the square's one crossing is
 * exactly one event, from its first move to its last (± 1 s, against the capture times the stream
 * itself gives its pictures), in /status, in the metrics, on /events, with a snapshot, posted to a
 * webhook, and as a badge on the main page in Chromium. Each picture carries its number in a strip
 * along the bottom, in a masked zone, so that the test can tell when each was captured, and so that a
 * changing region in a mask is shown to count for nothing. Beside it: a test pattern with motion on
 * and no viewer (live all the same), and a camera with a token.
 */
class MotionIT {

    private static final int FPS = 10;
    private static final int STILL = 40;
    /** Pictures 41 to 69 each show the square further on; 70 on it stands still. */
    private static final int MOVING = 30;
    private static final int FRAMES = STILL + MOVING + 150;
    private static final int W = 320;
    private static final int H = 240;
    private static final int STRIP = 216;
    /** Seconds recorded before an event starts and after it ends. */
    private static final int PRE_ROLL = 2;
    private static final int POST_ROLL = 2;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private static EmbeddedCamstream server;
    private static HttpServer receiver;
    private static final List<String> posted = new CopyOnWriteArrayList<>();
    private static final List<String> sse = new CopyOnWriteArrayList<>();
    private static final List<MjpegStream.Part> parts = new CopyOnWriteArrayList<>();
    private static Thread sseReader;
    private static Thread streamReader;
    private static MjpegStream stream;
    private static HttpResponse<Stream<String>> sseResponse;
    /** /status's camera when the first event had ended, and the metrics then. */
    private static JsonObject camera;
    private static long eventsTotal;

    @BeforeAll
    static void start() throws Exception {
        assertNull(NativeOpenCv.load());
        Path avi = dir.resolve("scene.avi");
        writeScene(avi);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            posted.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        Map<String, String> settings = new HashMap<>();
        settings.put("camstream.cameras", "yard,locked,pattern");
        settings.put("camstream.camera.pattern.source", "test-pattern");
        settings.put("camstream.camera.pattern.width", "160");
        settings.put("camstream.camera.pattern.height", "120");
        settings.put("camstream.camera.pattern.fps", "5");
        settings.put("camstream.camera.pattern.motion", "on");
        settings.put("camstream.camera.locked.source", "test-pattern");
        settings.put("camstream.camera.locked.token", "s3cret");
        settings.put("camstream.camera.yard.source", "file:" + avi);
        settings.put("camstream.camera.yard.fps", Integer.toString(FPS));
        settings.put("camstream.camera.yard.width", Integer.toString(W));
        settings.put("camstream.camera.yard.height", Integer.toString(H));
        settings.put("camstream.camera.yard.motion", "on");
        settings.put("camstream.camera.yard.motion.endAfter", "2");
        settings.put("camstream.camera.yard.motion.zones", "0,88,100,12");
        settings.put("camstream.recordings", dir.resolve("recordings").toString());
        settings.put("camstream.camera.yard.record", "motion");
        settings.put("camstream.camera.yard.record.preRoll", Integer.toString(PRE_ROLL));
        settings.put("camstream.camera.yard.record.postRoll", Integer.toString(POST_ROLL));
        settings.put("camstream.motion.webhook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        server = EmbeddedCamstream.start(settings);
        sseResponse = HTTP.send(HttpRequest.newBuilder(server.uri("events")).build(), HttpResponse.BodyHandlers.ofLines());
        sseReader = reader("sse", () -> {
            try {
                sseResponse.body().forEach(sse::add);
            } catch (UncheckedIOException e) {
                // closed at the end
            }
        });
        stream = MjpegStream.open(server.uri("stream/yard"));
        streamReader = reader("stream", () -> {
            try {
                for (MjpegStream.Part p; (p = stream.next()) != null; ) {
                    parts.add(p);
                }
            } catch (IOException e) {
                // closed at the end
            }
        });
        // The first crossing ends 7 s into the clip and is told 2 s later; the next starts 22 s after the first.
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (camera == null || camera.getAsJsonArray("events").isEmpty()
                || camera.getAsJsonArray("events").get(0).getAsJsonObject().get("end").isJsonNull()) {
            assertTrue(System.nanoTime() < deadline, "no event ended within 40 s: " + camera);
            Thread.sleep(100);
            camera = status();
        }
        eventsTotal = new Metrics(server).get("camstream_motion_events_total", "yard");
    }

    private static Thread reader(String name, Runnable r) {
        Thread t = new Thread(r, "motion-it-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @AfterAll
    static void stop() throws Exception {
        if (stream != null) {
            stream.close();
        }
        if (sseResponse != null) {
            sseResponse.body().close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        if (server != null) {
            server.close();
            // Every thread motion detection started ended with the webapp.
            List<String> left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("camstream-motion-") || n.equals("camstream-events")
                            || n.equals("camstream-webhook")).toList();
            assertEquals(List.of(), left, "threads left after the webapp stopped");
        }
    }

    /** Picture n: a grey yard with fence posts, a dark square, and n in eight blocks along the bottom. */
    private static void writeScene(Path file) {
        VideoWriter w = new VideoWriter(file.toString(), Videoio.CAP_OPENCV_MJPEG, VideoWriter.fourcc('M', 'J', 'P', 'G'),
                FPS, new Size(W, H));
        assertTrue(w.isOpened());
        Mat m = new Mat(H, W, CvType.CV_8UC3);
        for (int n = 0; n < FRAMES; n++) {
            m.setTo(new Scalar(120, 130, 125));
            for (int x = 10; x < W; x += 40) {
                Imgproc.rectangle(m, new Point(x, 40), new Point(x + 6, 200), new Scalar(60, 80, 90), -1);
            }
            int x = 20 + 7 * Math.max(0, Math.min(n, STILL + MOVING - 1) - STILL);
            Imgproc.rectangle(m, new Point(x, 80), new Point(x + 60, 140), new Scalar(20, 20, 30), -1);
            for (int bit = 0; bit < 8; bit++) {
                Scalar v = (n >> bit & 1) != 0 ? new Scalar(255, 255, 255) : new Scalar(0, 0, 0);
                Imgproc.rectangle(m, new Point(bit * 40, STRIP), new Point(bit * 40 + 39, H - 1), v, -1);
            }
            w.write(m);
        }
        m.release();
        w.release();
    }

    /** The number a picture carries along its bottom. */
    private static int number(byte[] jpeg) {
        Mat m = Jpeg.decode(jpeg);
        try {
            int n = 0;
            for (int bit = 0; bit < 8; bit++) {
                Mat block = m.submat(new Rect(bit * 40 + 10, STRIP + 6, 20, 12));
                if (Core.mean(block).val[0] > 128) {
                    n |= 1 << bit;
                }
            }
            return n;
        } finally {
            m.release();
        }
    }

    /**
     * When picture {@code n} of the clip's first round was captured: from the capture times the stream
     * gave that round's pictures, each taken back by its number at the clip's rate (the median of at least ten).
     */
    private static Instant captured(int n) throws InterruptedException {
        long start = await(() -> {
            List<Long> starts = new ArrayList<>();
            int last = -1;
            for (MjpegStream.Part p : parts) {
                int k = number(p.body());
                if (k < last) {
                    break; // the next round
                }
                last = k;
                starts.add(p.timestampMicros() - k * 1_000_000L / FPS);
            }
            return starts.size() < 10 ? null : starts.stream().sorted().toList().get(starts.size() / 2);
        });
        long micros = start + n * 1_000_000L / FPS;
        return Instant.ofEpochSecond(micros / 1_000_000, micros % 1_000_000 * 1000);
    }

    private static JsonObject status() throws IOException, InterruptedException {
        return status("yard");
    }

    private static JsonObject status(String camera) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri("status?camera=" + camera)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("cameras").get(0).getAsJsonObject();
    }

    private static void assertNear(Instant expected, String actual, String what) {
        long ms = Duration.between(expected, Instant.parse(actual)).toMillis();
        assertTrue(Math.abs(ms) <= 1000, what + " " + actual + " is " + ms + " ms from " + expected);
    }

    @Test
    void theSquaresOneCrossingIsExactlyOneEventFromItsFirstMoveToItsLast() throws Exception {
        JsonArray events = camera.getAsJsonArray("events");
        assertEquals(1, events.size(), "events: " + events);
        JsonObject e = events.get(0).getAsJsonObject();
        assertEquals(1, e.get("id").getAsLong());
        assertNear(captured(STILL + 1), e.get("start").getAsString(), "start");
        assertNear(captured(STILL + MOVING - 1), e.get("end").getAsString(), "end");
        double peak = e.get("peakArea").getAsDouble();
        assertTrue(peak > 0.01 && peak < 0.5, "peak area " + peak);
        assertEquals("events/yard/1.jpg", e.get("snapshot").getAsString());
        assertEquals(1, eventsTotal, "camstream_motion_events_total");
    }

    @Test
    void statusSaysMotionIsOnAndNotMovingOnceTheEventEnded() {
        JsonObject motion = camera.getAsJsonObject("motion");
        assertTrue(motion.get("on").getAsBoolean());
        assertTrue(!motion.get("moving").getAsBoolean());
    }

    @Test
    void theEventStreamToldTheStartAndTheEndOfTheEvent() throws Exception {
        List<JsonObject> told = await(() -> messages().size() >= 2 ? messages() : null);
        assertEquals(2, told.size(), "messages: " + sse);
        assertEquals(1, told.get(0).get("id").getAsLong());
        assertTrue(told.get(0).get("end").isJsonNull(), "the start: " + told.get(0));
        assertEquals(camera.getAsJsonArray("events").get(0).getAsJsonObject().get("start"), told.get(0).get("start"));
        assertEquals(1, told.get(1).get("id").getAsLong());
        assertEquals(camera.getAsJsonArray("events").get(0).getAsJsonObject().get("end"), told.get(1).get("end"));
        assertEquals("yard", told.get(1).get("camera").getAsString());
        assertEquals("text/event-stream;charset=utf-8",
                sseResponse.headers().firstValue("Content-Type").orElse("").toLowerCase().replace(" ", ""));
    }

    private static List<JsonObject> messages() {
        List<JsonObject> told = new ArrayList<>();
        String event = null;
        for (String line : sse) {
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ") && "motion".equals(event)) {
                JsonObject o = JsonParser.parseString(line.substring(6)).getAsJsonObject();
                if (o.get("camera").getAsString().equals("yard") && o.get("id").getAsLong() == 1) {
                    told.add(o);
                }
            }
        }
        return told;
    }

    @Test
    void theWebhookReceivedTheStartAndTheEnd() throws Exception {
        List<JsonObject> bodies = await(() -> {
            List<JsonObject> yard = posted.stream().map(b -> JsonParser.parseString(b).getAsJsonObject())
                    .filter(b -> b.get("camera").getAsString().equals("yard") && b.get("id").getAsLong() == 1).toList();
            return yard.size() >= 2 ? yard : null;
        });
        assertEquals(2, bodies.size());
        assertTrue(bodies.stream().anyMatch(b -> b.get("end").isJsonNull()), "a start: " + bodies);
        assertTrue(bodies.stream().anyMatch(b -> !b.get("end").isJsonNull()), "an end: " + bodies);
        bodies.forEach(b -> assertEquals(1, b.get("id").getAsLong()));
    }

    @Test
    void theEventsSnapshotIsServedAndAnUnknownOneIsNotFound() throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(server.uri("events/yard/1.jpg")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(null));
        Mat m = Jpeg.decode(r.body());
        assertEquals(W, m.cols());
        m.release();
        HttpResponse<String> none = HTTP.send(HttpRequest.newBuilder(server.uri("events/yard/99.jpg")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, none.statusCode());
        HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(server.uri("events/yard/../x.jpg")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(bad.statusCode() == 404 || bad.statusCode() == 400, "status " + bad.statusCode());
    }

    @Test
    void theMainPageHasAMotionBadgeFedByTheEventStream() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(server.uri("")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<span class=\"motion\" hidden>motion</span>"), page.body());
        assertTrue(page.body().contains("data-events=\"/camstream/events\""), page.body());
    }

    @Test
    void aCameraWithATokenRefusesItsEventsAndSnapshotsWithoutIt() throws Exception {
        for (String path : List.of("events?camera=locked", "events/locked/1.jpg")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, r.statusCode(), path + ": " + r.body());
        }
        HttpResponse<String> shown = HTTP.send(HttpRequest.newBuilder(server.uri("events/locked/1.jpg?token=s3cret")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, shown.statusCode(), "let in, but it has no such event");
    }

    @Test
    void headOfTheEventStreamAnswersAtOnceWithItsType() throws Exception {
        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(server.uri("events"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    }

    @Test
    void aCameraThatDetectsMotionIsLiveWithoutViewers() throws Exception {
        JsonObject pattern = await(() -> {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri("status?camera=pattern")).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonObject c = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("cameras").get(0)
                        .getAsJsonObject();
                return c.get("state").getAsString().equals("live") ? c : null;
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(0, pattern.get("viewerCount").getAsInt());
        assertEquals("idle", status("locked").get("state").getAsString(), "a camera without motion waits for a viewer");
    }

    @Test
    void theMainPagesBadgeShowsWhileTheSquareMovesAndGoesWhenItStops() throws Exception {
        ChromeDriver browser = Browser.start(dir);
        try {
            browser.get(server.uri("").toString());
            WebElement badge = browser.findElement(By.cssSelector("figure[data-camera='yard'] .motion"));
            assertTrue(!badge.isDisplayed(), "no badge between crossings");
            // The clip's next round: the square crosses again 26 s after the camera opened, for 3 s.
            awaitFor(Duration.ofSeconds(40), () -> badge.isDisplayed() ? true : null);
            awaitFor(Duration.ofSeconds(10), () -> badge.isDisplayed() ? null : true);
            assertEquals(List.of(), Browser.consoleErrors(browser).stream().filter(e -> e.contains("events")).toList());
        } finally {
            browser.quit();
        }
    }

    @Test
    void theEventIsRecordedFromItsPreRollToItsPostRollInAFileThatPlays() throws Exception {
        JsonObject event = camera.getAsJsonArray("events").get(0).getAsJsonObject();
        JsonObject rec = motionRecording();
        Instant start = Instant.parse(rec.get("start").getAsString());
        Instant end = start.plusMillis(Math.round(rec.get("seconds").getAsDouble() * 1000));
        Instant eventStart = Instant.parse(event.get("start").getAsString());
        Instant eventEnd = Instant.parse(event.get("end").getAsString());
        long preRollMs = Duration.between(start, eventStart).toMillis();
        long postRollMs = Duration.between(eventEnd, end).toMillis();
        // The pre-roll counts from the event's first moving picture, not from when motion was seen: one picture's slack.
        assertTrue(preRollMs >= PRE_ROLL * 1000 - 150, "pre-roll: the file starts " + preRollMs + " ms before the event: " + rec);
        assertTrue(preRollMs <= PRE_ROLL * 1000 + 2500, "the file starts " + preRollMs + " ms before the event: " + rec);
        assertTrue(postRollMs >= POST_ROLL * 1000 - 1000, "post-roll: the file ends " + postRollMs + " ms after the event: " + rec);
        Path file = dir.resolve("recordings").resolve(rec.get("url").getAsString().substring("recordings/".length()));
        Recordings.Probe probe = Recordings.probe(file);
        assertTrue(Math.abs(probe.seconds() - rec.get("seconds").getAsDouble()) <= 1.0, probe + " vs " + rec);
        assertTrue(probe.frames() >= (PRE_ROLL + 3 + POST_ROLL) * FPS / 2, "pictures in the file: " + probe);
        assertEquals(0, Recordings.decode(file).exitCode(), "ffmpeg decodes the whole file");
    }

    @Test
    void theRecordingsPageShowsTheEventAndPlaysItsClip() throws Exception {
        String url = motionRecording().get("url").getAsString();
        ChromeDriver browser = Browser.start(dir);
        try {
            browser.get(server.uri("recordings.jsp?camera=yard").toString());
            awaitFor(Duration.ofSeconds(10), () -> browser.findElements(By.cssSelector("[data-camera='yard'] li.event"))
                    .isEmpty() ? null : true);
            WebElement item = awaitFor(Duration.ofSeconds(10), () -> browser.findElements(
                    By.cssSelector("[data-camera='yard'] li.recording[data-url='" + url + "']")).stream().findFirst().orElse(null));
            item.findElement(By.cssSelector("button.play")).click();
            if (url.endsWith(".mp4")) {
                awaitFor(Duration.ofSeconds(15), () -> time(browser) > 1 ? true : null);
                double at = time(browser);
                awaitFor(Duration.ofSeconds(5), () -> time(browser) > at + 0.5 ? true : null);
            } else {
                awaitFor(Duration.ofSeconds(15), () -> ((Number) browser.executeScript(
                        "var i = document.querySelector('.player .avi img'); return i ? i.naturalWidth : 0")).intValue() > 0
                        ? true : null);
            }
        } finally {
            browser.quit();
        }
    }

    private static double time(ChromeDriver browser) {
        return ((Number) browser.executeScript("return document.querySelector('.player video').currentTime")).doubleValue();
    }

    /** The first event's recording (the oldest: the list is newest first), once its file is closed. */
    private static JsonObject motionRecording() throws InterruptedException {
        return awaitFor(Duration.ofSeconds(20), () -> {
            try {
                JsonObject oldest = null;
                for (JsonElement e : status().getAsJsonArray("recordings")) {
                    JsonObject r = e.getAsJsonObject();
                    if (r.get("kind").getAsString().equals("motion")) {
                        oldest = r;
                    }
                }
                return oldest == null || oldest.get("live").getAsBoolean() ? null : oldest;
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** What {@code value} gives once it is not null, within 10 s. */
    private static <T> T await(Supplier<T> value) throws InterruptedException {
        return awaitFor(Duration.ofSeconds(10), value);
    }

    private static <T> T awaitFor(Duration timeout, Supplier<T> value) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (T v; ; Thread.sleep(50)) {
            if ((v = value.get()) != null) {
                return v;
            }
            assertTrue(System.nanoTime() < deadline, "not within " + timeout.toSeconds() + " s");
        }
    }
}
