package camstream;

import camstream.it.support.Await;
import camstream.support.EmbeddedCamstream;
import camstream.support.LogCapture;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Relay loops, as a mistyped edge in a relay tree makes them: a camera whose source is its own
 * stream, and two cameras that relay each other. Each camera in a loop is NO SIGNAL with the loop as
 * its reason within 5 s, the loop costs no CPU once found, and once the last real viewer left, the
 * cameras let go of each other after the idle timeout. Figures go to target/relay-loop.txt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayLoopIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int FPS = 10;
    private static final int IDLE_TIMEOUT = 2;

    EmbeddedCamstream server;
    Metrics metrics;
    LogCapture log;
    final List<String> report = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        log = new LogCapture();
        int port = EmbeddedCamstream.freePort();
        String streams = "http://127.0.0.1:" + port + EmbeddedCamstream.CONTEXT_PATH + "/stream/";
        server = new EmbeddedCamstream(Map.of(
                "camstream.cameras", "self,x,y",
                "camstream.width", "320",
                "camstream.height", "240",
                "camstream.fps", Integer.toString(FPS),
                "camstream.idleTimeout", Integer.toString(IDLE_TIMEOUT),
                "camstream.camera.self.source", streams + "self",
                "camstream.camera.x.source", streams + "y",
                "camstream.camera.y.source", streams + "x"), port);
        server.start();
        metrics = server.metrics();
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (log != null) {
            log.close();
        }
        Files.writeString(Path.of("target", "relay-loop.txt"), String.join("", report),
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Test
    void aCameraThatRelaysItsOwnStreamShowsTheLoopWithin5SecondsCostsNothingAndIsReleasedWithItsViewer() throws Exception {
        String expected = "relay loop: camera 'self' → camera 'self'";
        try (MjpegStream viewer = MjpegStream.open(server.uri("stream/self"))) {
            long found = awaitReasons(Map.of("self", expected));
            measureTheLoop("self-relay", found, "self");
            assertTrue(viewer.next().body().length > 0, "the viewer is still served");
        }
        awaitRelease("self");
        assertEquals(1, loopLines("self"), "one log line for the loop: " + log.warnings());
    }

    @Test
    void twoCamerasThatRelayEachOtherBothShowTheLoopWithin5SecondsCostNothingAndAreReleasedWithTheirViewer()
            throws Exception {
        try (MjpegStream viewer = MjpegStream.open(server.uri("stream/x"))) {
            long found = awaitReasons(Map.of(
                    "x", "relay loop: camera 'x' → camera 'y' → camera 'x'",
                    "y", "relay loop: camera 'y' → camera 'x' → camera 'y'"));
            measureTheLoop("x <- y <- x", found, "x", "y");
            assertTrue(viewer.next().body().length > 0, "the viewer is still served");
        }
        awaitRelease("x", "y");
        assertEquals(1, loopLines("x"), "one log line for the loop: " + log.warnings());
        assertEquals(1, loopLines("y"), "one log line for the loop: " + log.warnings());
    }

    @Test
    void aRequestThatCameThroughTheCameraItAsksForIsAnswered508WithOneLine() throws Exception {
        String via;
        try (MjpegStream viewer = MjpegStream.open(server.uri("stream/self"))) {
            via = viewer.next().header("X-Camstream-Via");
        }
        assertNotNull(via, "every part names the camstreams it passed through");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri("stream/self"))
                .header("X-Camstream-Via", via).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(508, r.statusCode(), r.body());
        assertEquals("relay loop: camera 'self' relays its own stream", r.body().strip());
        awaitRelease("self");
    }

    /** Waits until each camera shows NO SIGNAL with a reason that starts as given; returns System.nanoTime() then. */
    private long awaitReasons(Map<String, String> reasons) {
        long start = System.nanoTime();
        Await.until(Duration.ofSeconds(5), "NO SIGNAL with " + reasons.values(), () -> {
            JsonObject status = status();
            for (Map.Entry<String, String> e : reasons.entrySet()) {
                JsonObject cam = ApiIT.camera(status, e.getKey());
                if (!cam.get("state").getAsString().equals("no-signal")
                        || !cam.get("reason").getAsString().startsWith(e.getValue())) {
                    return false;
                }
            }
            return true;
        });
        long found = System.nanoTime();
        report.add(String.format(Locale.ROOT, "%s: NO SIGNAL with the loop %d ms after the first viewer%n",
                String.join(", ", reasons.keySet()), (found - start) / 1_000_000));
        return found;
    }

    /** Over 3 s once the loop was found: the process's CPU and the pictures the cameras take and send. */
    private void measureTheLoop(String loop, long found, String... cameras) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] captured = new long[cameras.length];
        long[] bytes = new long[cameras.length];
        for (int i = 0; i < cameras.length; i++) {
            captured[i] = metrics.get("camstream_frames_captured_total", cameras[i]);
            bytes[i] = metrics.get("camstream_bytes_sent_total", cameras[i]);
        }
        long cpu = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread.sleep(3000); // the measurement window
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cores = (os.getProcessCpuTime() - cpu) / 1e9 / seconds;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s, over 3 s: %.2f cores", loop, cores));
        for (int i = 0; i < cameras.length; i++) {
            double fps = (metrics.get("camstream_frames_captured_total", cameras[i]) - captured[i]) / seconds;
            double mbps = (metrics.get("camstream_bytes_sent_total", cameras[i]) - bytes[i]) / seconds / 1e6;
            line.append(String.format(Locale.ROOT, "; camera %s captured %.1f pictures/s and sent %.2f MB/s",
                    cameras[i], fps, mbps));
            assertTrue(fps <= 1, "camera " + cameras[i] + " captured " + fps + " pictures/s after the loop was found");
        }
        report.add(line.append('\n').toString());
        assertTrue(cores < 0.3, "the process used " + cores + " cores after the loop was found");
    }

    /** The last real viewer left: within the idle timeout (and a retry's backoff) the cameras stop watching each other. */
    private void awaitRelease(String... cameras) throws Exception {
        long left = System.nanoTime();
        Await.until(Duration.ofSeconds(IDLE_TIMEOUT + 35), "no viewers of " + List.of(cameras), () -> {
            for (String c : cameras) {
                if (metrics.get("camstream_viewers", c) != 0) {
                    return false;
                }
            }
            return true;
        });
        long released = System.nanoTime();
        long[] opens = new long[cameras.length];
        for (int i = 0; i < cameras.length; i++) {
            opens[i] = metrics.get("camstream_source_opens_total", cameras[i]);
        }
        Thread.sleep(3000); // nothing may open them again
        for (int i = 0; i < cameras.length; i++) {
            assertEquals(opens[i], metrics.get("camstream_source_opens_total", cameras[i]),
                    "camera " + cameras[i] + " was opened again without viewers");
            assertEquals(0, metrics.get("camstream_viewers", cameras[i]), "viewers of " + cameras[i]);
            assertEquals(0, metrics.get("camstream_source_open", cameras[i]), "source of " + cameras[i] + " open");
        }
        report.add(String.format(Locale.ROOT, "%s: no viewers %d ms after the last real one left%n",
                String.join(", ", cameras), TimeUnit.NANOSECONDS.toMillis(released - left)));
    }

    private long loopLines(String camera) {
        return log.warnings().stream().filter(m -> m.contains("Camera '" + camera + "': no signal: relay loop")).count();
    }

    private JsonObject status() throws IOException, InterruptedException {
        URI uri = server.uri("status");
        return JsonParser.parseString(HTTP.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()).body()).getAsJsonObject();
    }
}
