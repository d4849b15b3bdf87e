package camstream;

import camstream.support.EmbeddedCamstream;
import camstream.support.Jpeg;
import camstream.support.LogCapture;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What clients other than the page speak to: mjpg-streamer and µStreamer URLs, {@code /status},
 * {@code /metrics}, viewer limits, access tokens; each checked against what the test itself caused.
 */
class ApiIT {

    private static final String TOKEN = "embed-secret-4711";
    private static LogCapture log;
    private static EmbeddedCamstream server;
    private static Metrics metrics;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        log = new LogCapture();
        server = EmbeddedCamstream.start(Map.ofEntries(
                Map.entry("camstream.cameras", "main,small,limited,secret,lost,a-b,a_b"),
                Map.entry("camstream.camera.main.source", "test-pattern"),
                Map.entry("camstream.camera.main.name", "Main door"),
                Map.entry("camstream.camera.small.width", "320"),
                Map.entry("camstream.camera.small.height", "240"),
                Map.entry("camstream.camera.small.fps", "10"),
                Map.entry("camstream.camera.limited.width", "160"),
                Map.entry("camstream.camera.limited.height", "120"),
                Map.entry("camstream.camera.limited.maxViewers", "2"),
                Map.entry("camstream.camera.secret.width", "160"),
                Map.entry("camstream.camera.secret.height", "120"),
                Map.entry("camstream.camera.secret.token", TOKEN),
                Map.entry("camstream.camera.lost.source", "file:/srv/private/cameras/garden.avi"),
                Map.entry("camstream.maxViewers", "8"),
                Map.entry("camstream.cors.allowOrigin", "http://dashboard.example")));
        metrics = new Metrics(server);
    }

    @AfterAll
    static void stop() throws Exception {
        log.close();
        if (server != null) {
            server.close();
        }
    }

    /** Every test starts with no viewer left from the one before: they share the server's limit of 8. */
    @BeforeEach
    void noViewersLeft() throws Exception {
        for (String camera : List.of("main", "small", "limited", "secret", "lost", "a-b")) {
            metrics.await("camstream_viewers", camera, v -> v == 0, Duration.ofSeconds(10));
        }
    }

    // ---- Compatible URLs ----

    @Test
    void mjpgStreamerActionUrlsStreamAndSnapshotTheRightCamera() throws Exception {
        try (MjpegStream s = MjpegStream.open(server.uri("?action=stream"))) {
            assertEquals("640x480", Jpeg.size(s.next().body()), "?action=stream: the first camera");
        }
        try (MjpegStream s = MjpegStream.open(server.uri("?action=stream_1"))) {
            assertEquals("320x240", Jpeg.size(s.next().body()), "?action=stream_1: the second camera, counted from 0");
        }
        try (MjpegStream s = MjpegStream.open(server.uri("?action=stream&camera=small"))) {
            assertEquals("320x240", Jpeg.size(s.next().body()));
        }
        assertEquals("640x480", Jpeg.size(jpeg("?action=snapshot")));
        assertEquals("320x240", Jpeg.size(jpeg("?action=snapshot&camera=small")));
        assertEquals("320x240", Jpeg.size(jpeg("?action=snapshot_1")));
        assertEquals("640x480", Jpeg.size(jpeg("index.jsp?action=snapshot")));

        HttpResponse<String> unknown = get("?action=stream_42");
        assertEquals(403, unknown.statusCode(), "camera 'secret' has a token: unknown cameras are answered as it is");
        assertEquals("camera '42' needs its access token (?token=) or a login", unknown.body().strip());
        HttpResponse<String> bad = get("?action=command");
        assertEquals(400, bad.statusCode());
        assertEquals(1, bad.body().strip().lines().count(), bad.body());
        HttpResponse<String> page = get("");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<img src=\"/camstream/stream/main\""), "the page without a parameter");
    }

    @Test
    void streamAndSnapshotWithoutAnIdShowTheFirstCamera() throws Exception {
        for (String path : List.of("stream", "stream/")) {
            try (MjpegStream s = MjpegStream.open(server.uri(path))) {
                assertEquals("640x480", Jpeg.size(s.next().body()), path);
            }
        }
        assertEquals("640x480", Jpeg.size(jpeg("snapshot")));
    }

    // ---- /status ----

    @Test
    void statusCountsTheViewersThisTestOpenedAndWhatEachReceived() throws Exception {
        List<MjpegStream> viewers = new ArrayList<>();
        Instant opened = Instant.now();
        try {
            for (int i = 0; i < 3; i++) {
                viewers.add(MjpegStream.open(server.uri("stream/small")));
            }
            long[] received = new long[3];
            for (int i = 0; i < 3; i++) {
                for (int n = 0; n < 5; n++) {
                    received[i] += viewers.get(i).next().body().length;
                }
            }
            JsonObject cam = camera(status("?camera=small"), "small");
            assertEquals(3, cam.get("viewerCount").getAsInt());
            JsonArray list = cam.getAsJsonArray("viewers");
            assertEquals(3, list.size());
            for (JsonElement e : list) {
                JsonObject v = e.getAsJsonObject();
                assertTrue(v.get("remote").getAsString().startsWith("127.0.0.1:"), v.toString());
                assertTrue(v.get("frames").getAsLong() >= 5, v.toString());
                // at least the 5 JPEGs this viewer read, plus their part headers
                assertTrue(v.get("bytes").getAsLong() > 5 * 1000, v.toString());
                Instant since = Instant.parse(v.get("connectedSince").getAsString());
                assertFalse(since.isBefore(opened) || since.isAfter(Instant.now()), since + ": not when this test connected");
                assertTrue(v.has("fps") && v.has("framesSkipped"), v.toString());
            }
            long jpegBytes = received[0] + received[1] + received[2];
            long bytes = 0;
            for (JsonElement e : list) {
                bytes += e.getAsJsonObject().get("bytes").getAsLong();
            }
            assertTrue(bytes >= jpegBytes, "status bytes " + bytes + " cover the " + jpegBytes + " JPEG bytes received");
            assertEquals("live", cam.get("state").getAsString());
            assertEquals(320, cam.get("width").getAsInt());
            assertEquals(240, cam.get("height").getAsInt());
            assertEquals(10, cam.get("configuredFps").getAsInt());
            assertEquals("test-pattern", cam.get("sourceKind").getAsString());
            JsonObject enc = cam.getAsJsonObject("encodeMillis");
            assertTrue(enc.get("mean").getAsDouble() > 0 && enc.get("p99").getAsDouble() >= enc.get("mean").getAsDouble(), enc.toString());
            JsonArray variants = cam.getAsJsonArray("variants");
            assertEquals(1, variants.size());
            assertEquals(3, variants.get(0).getAsJsonObject().get("viewers").getAsInt());
        } finally {
            for (MjpegStream v : viewers) {
                v.close();
            }
        }
        Await(() -> camera(status("?camera=small"), "small").get("viewerCount").getAsInt() == 0, "viewers gone from status");
    }

    @Test
    void statusHasVersionUptimeAndEveryCameraAndFiltersByCamera() throws Exception {
        JsonObject all = status("");
        assertEquals("0.1.0-SNAPSHOT", all.get("version").getAsString());
        assertTrue(all.get("uptimeSeconds").getAsLong() >= 0);
        List<String> ids = new ArrayList<>();
        all.getAsJsonArray("cameras").forEach(c -> ids.add(c.getAsJsonObject().get("id").getAsString()));
        assertEquals(List.of("main", "small", "limited", "secret", "lost", "a-b"), ids);
        assertEquals("Main door", camera(all, "main").get("name").getAsString());
        assertEquals(1, status("?camera=main").getAsJsonArray("cameras").size());
        HttpResponse<String> none = get("status?camera=nope");
        assertEquals(404, none.statusCode());
        assertEquals("unknown camera: nope", none.body().strip());
        assertTrue(none.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    }

    // ---- /metrics ----

    @Test
    void framesAndBytesSentGrowByWhatTheClientReceived() throws Exception {
        long framesBefore = metrics.get("camstream_frames_sent_total", "small");
        long bytesBefore = metrics.get("camstream_bytes_sent_total", "small");
        long latencyBefore = metrics.get("camstream_capture_to_send_seconds_count", "small");
        long encodesBefore = metrics.get("camstream_encode_seconds_count", "small");
        int parts = 20;
        long received = 0;
        try (MjpegStream s = MjpegStream.open(server.uri("stream/small"))) {
            for (int i = 0; i < parts; i++) {
                received += s.next().body().length;
            }
            assertEquals(1, metrics.get("camstream_viewers", "small"));
            long frames = metrics.get("camstream_frames_sent_total", "small") - framesBefore;
            // what the client read, and at most the 2 s of frames (at 10 fps) that can be on their way
            assertTrue(frames >= parts && frames <= parts + 20, "sent " + frames + " parts, the client read " + parts);
            long bytes = metrics.get("camstream_bytes_sent_total", "small") - bytesBefore;
            assertTrue(bytes >= received, "sent " + bytes + " bytes, the client read " + received + " JPEG bytes");
            assertTrue(metrics.get("camstream_capture_to_send_seconds_count", "small") - latencyBefore >= parts - 2);
            assertTrue(metrics.get("camstream_encode_seconds_count", "small") - encodesBefore >= parts - 2);
        }
        metrics.await("camstream_viewers", "small", v -> v == 0, Duration.ofSeconds(10));
    }

    @Test
    void metricsComeFromThePrometheusClientWithJvmMetrics() throws Exception {
        HttpResponse<String> r = get("metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                r.headers().toString());
        for (String name : List.of("camstream_frames_captured_total", "camstream_frames_encoded_total",
                "camstream_frames_sent_total", "camstream_frames_skipped_total", "camstream_bytes_sent_total",
                "camstream_viewers", "camstream_encode_seconds_bucket", "camstream_capture_to_send_seconds_bucket",
                "camstream_source_failures_total", "camstream_source_reopens_total", "camstream_source_opens_total",
                "jvm_memory_used_bytes", "jvm_threads_current", "process_cpu_seconds_total")) {
            assertTrue(r.body().contains("\n" + name + "{") || r.body().contains("\n" + name + " "), name);
        }
        assertFalse(r.body().contains("jvm_memory_pool_allocated_bytes_total"), "no allocation listener on the JVM");
    }

    // ---- Limits ----

    @Test
    void aCameraAtItsViewerLimitAnswers503WithRetryAfterUntilOneLeaves() throws Exception {
        MjpegStream first = MjpegStream.open(server.uri("stream/limited"));
        try (MjpegStream second = MjpegStream.open(server.uri("stream/limited"))) {
            HttpResponse<String> third = get("stream/limited");
            assertEquals(503, third.statusCode());
            assertEquals("10", third.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("camera 'limited' already has its maximum of 2 viewers; try again later", third.body().strip());
            first.close();
            Await(() -> {
                try (MjpegStream again = MjpegStream.open(server.uri("stream/limited"))) {
                    again.next();
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }, "a place for a new viewer after one left");
        } finally {
            first.close();
        }
    }

    @Test
    void theServerWideLimitCountsEveryCamera() throws Exception {
        metrics.await("camstream_viewers", "main", v -> v == 0, Duration.ofSeconds(10));
        List<MjpegStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                open.add(MjpegStream.open(server.uri(i % 2 == 0 ? "stream/main" : "stream/a-b")));
            }
            HttpResponse<String> ninth = get("stream/small");
            assertEquals(503, ninth.statusCode());
            assertEquals("the server already has its maximum of 8 viewers; try again later", ninth.body().strip());
        } finally {
            for (MjpegStream s : open) {
                s.close();
            }
        }
    }

    // ---- Tokens ----

    @Test
    void aCameraWithATokenNeedsItAndTheTokenIsNeverShownOrLogged() throws Exception {
        for (String path : List.of("snapshot/secret", "stream/secret", "snapshot/secret?token=wrong",
                "?action=snapshot&camera=secret", "stream/secret?token=" + TOKEN.substring(1))) {
            HttpResponse<String> r = get(path);
            assertEquals(403, r.statusCode(), path);
            assertEquals("camera 'secret' needs its access token (?token=) or a login", r.body().strip(), path);
        }
        assertEquals("160x120", Jpeg.size(jpeg("snapshot/secret?token=" + TOKEN)));
        assertEquals("160x120", Jpeg.size(jpeg("?action=snapshot&camera=secret&token=" + TOKEN)));
        try (MjpegStream s = MjpegStream.open(server.uri("stream/secret?token=" + TOKEN))) {
            assertEquals("160x120", Jpeg.size(s.next().body()));
        }
        assertEquals(200, get("snapshot/main").statusCode(), "cameras without a token stay open");
        assertFalse(get("status").body().contains(TOKEN));
        assertFalse(get("metrics").body().contains(TOKEN));
        assertFalse(get("").body().contains(TOKEN));
        assertTrue(log.messages().stream().noneMatch(m -> m.contains(TOKEN)), "the token is in the log");
    }

    @Test
    void corsLetsTheConfiguredOriginReadStatusAndNoOther() throws Exception {
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(server.uri("status"))
                .header("Origin", "http://dashboard.example").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("http://dashboard.example", ok.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(server.uri("status"))
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(server.uri("status"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://dashboard.example")
                .header("Access-Control-Request-Method", "GET").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode());
        assertEquals("GET, HEAD", preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(""));
    }

    // ---- Nothing leaked ----

    @Test
    void viewersSeeFileNamesNotFolders() throws Exception {
        try (MjpegStream s = MjpegStream.open(server.uri("stream/lost"))) {
            s.next();
        }
        Await(() -> "no-signal".equals(camera(status(""), "lost").get("state").getAsString()), "the lost camera to fail");
        JsonObject lost = camera(status(""), "lost");
        assertEquals("no such file: garden.avi", lost.get("reason").getAsString());
        assertEquals("file garden.avi", lost.get("source").getAsString());
        HttpResponse<String> snap = get("snapshot/lost");
        assertEquals(503, snap.statusCode());
        assertEquals("camera 'lost' has no picture: no such file: garden.avi", snap.body().strip());
        assertFalse(get("").body().contains("/srv/private"), "the page shows no folder");
        assertTrue(log.messages().stream().anyMatch(m -> m.contains("Camera 'lost': no signal: no such file")));
    }

    @Test
    void cameraIdsThatShareAnEnvironmentVariableAreRefusedWithALogLine() {
        assertTrue(log.warnings().stream().anyMatch(m -> m.contains("camera id 'a_b' would share the environment variables "
                + "CAMSTREAM_CAMERA_A_B_* with camera 'a-b'")), String.join("\n", log.warnings()));
    }

    // ---- helpers ----

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] jpeg(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), path + ": " + new String(r.body()));
        assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(""), path);
        return r.body();
    }

    static JsonObject status(String query) throws IOException, InterruptedException {
        HttpResponse<String> r = get("status" + query);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    static JsonObject camera(JsonObject status, String id) {
        for (JsonElement c : status.getAsJsonArray("cameras")) {
            if (c.getAsJsonObject().get("id").getAsString().equals(id)) {
                return c.getAsJsonObject();
            }
        }
        throw new AssertionError("no camera " + id + " in " + status);
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private static void Await(Check check, String what) {
        camstream.it.support.Await.until(Duration.ofSeconds(15), what, check::holds);
    }
}
