package camstream;

import camstream.support.EmbeddedCamstream;
import camstream.support.Jpeg;
import camstream.support.LogCapture;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad settings: the webapp starts, the log names setting and value, only the bad camera shows a placeholder. */
class BadSettingsIT {

    private static LogCapture log;
    private static EmbeddedCamstream server;
    private static Metrics metrics;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        log = new LogCapture();
        server = EmbeddedCamstream.start(Map.of(
                "camstream.cameras", "good, badfps, badsource, nofile, nodevice, bad id!",
                "camstream.camera.good.source", "test-pattern",
                "camstream.camera.badfps.fps", "fast",
                "camstream.camera.badsource.source", "sftp://somewhere",
                "camstream.camera.nofile.source", "file:/nonexistent/clip.avi",
                "camstream.camera.nodevice.source", "device:63",
                "camstream.idleTimeout", "ten"));
        metrics = new Metrics(server);
    }

    @AfterAll
    static void stop() throws Exception {
        log.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theLogNamesEachBadSettingAndItsValue() {
        assertLogged("camstream.camera.badfps.fps='fast'");
        assertLogged("camstream.camera.badsource.source='sftp://somewhere'");
        assertLogged("camstream.idleTimeout='ten'");
        assertLogged("camera id 'bad id!'");
    }

    @Test
    void aGoodCameraBesideBadOnesStreamsNormally() throws Exception {
        try (MjpegStream s = MjpegStream.open(server.uri("stream/good"))) {
            for (int i = 0; i < 10; i++) {
                assertEquals("640x480", Jpeg.size(s.next().body()));
            }
        }
        assertEquals(0, metrics.get("camstream_source_failing", "good"));
    }

    @Test
    void eachBadCameraStreamsAPlaceholderAndItsSnapshotIs503() throws Exception {
        for (String cam : List.of("badfps", "badsource", "nofile", "nodevice")) {
            try (MjpegStream s = MjpegStream.open(server.uri("stream/" + cam))) {
                assertEquals("640x480", Jpeg.size(s.next().body()), cam + " placeholder");
            }
            metrics.await("camstream_source_failing", cam, v -> v == 1, Duration.ofSeconds(5));
            HttpResponse<String> snap = http.send(HttpRequest.newBuilder(server.uri("snapshot/" + cam)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, snap.statusCode(), cam);
            assertTrue(snap.headers().firstValue("Retry-After").isPresent(), cam);
            assertEquals(1, snap.body().strip().lines().count(), snap.body());
        }
        HttpResponse<String> snap = http.send(HttpRequest.newBuilder(server.uri("snapshot/nodevice")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(snap.body().contains("no camera at device 63"), snap.body());
        assertLogged("Camera 'nodevice': no signal: no camera at device 63");
        // A missing file is not a settings error: it is looked for again at every retry, like a missing device.
        assertLogged("Camera 'nofile': no signal: no such file");
    }

    @Test
    void theIndexPageSaysWhatIsWrongWithEachCamera() throws Exception {
        String html = http.send(HttpRequest.newBuilder(server.uri("")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(html.contains("setting camstream.camera.badfps.fps=&#039;fast&#039; is not a whole number"), html);
        assertTrue(html.contains("/camstream/stream/nofile"), html);
        assertTrue(!html.contains("bad id!"), "the invalid camera id is skipped");
    }

    private static void assertLogged(String text) {
        List<String> messages = log.messages();
        assertTrue(messages.stream().anyMatch(l -> l.contains(text)), "log has '" + text + "':\n" + String.join("\n", messages));
    }
}
