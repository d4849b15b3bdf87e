package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.PageVideo;
import camstream.it.support.TomcatWithBrowser;
import camstream.support.RtspCamera;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index page plays IP cameras in Chromium (Tomcat 11): an H.264 camera's own stream, passed
 * through with no encoder, and an H.265 camera encoded again to H.264, live, each in its tile.
 */
class PageRtspIT {

    private static final RtspCamera camera = start();

    @RegisterExtension
    static final TomcatWithBrowser page = new TomcatWithBrowser("page-rtsp", Map.of(
            "camstream.cameras", "ip,ip265",
            "camstream.camera.ip.source", camera.url("/h264", null),
            "camstream.camera.ip265.source", camera.url("/h265", null)));

    private static RtspCamera start() {
        try {
            return RtspCamera.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopCamera() {
        camera.close();
    }

    @Test
    void theCamerasOwnH264AndAnH265CameraPlayLiveOnThePage() throws Exception {
        page.browser().get(page.tomcat().url("/").toString());
        PageVideo.assertPlays(page.browser(), "ip", 640, 480);
        PageVideo.assertPlays(page.browser(), "ip265", 640, 480);
        Await.until(Duration.ofSeconds(10), "the H.264 camera passes through and the H.265 one is encoded",
                () -> h264State("ip").equals("passthrough") && h264State("ip265").equals("encoding"));
        Duration live = PageVideo.awaitLive(page.browser(), "ip", 800, Duration.ofSeconds(10));
        assertTrue(live.toMillis() < 10_000);
    }

    private static String h264State(String id) throws IOException, InterruptedException {
        String json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(page.tomcat().url("/status?camera=" + id)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("cameras").get(0).getAsJsonObject()
                .getAsJsonObject("h264").get("state").getAsString();
    }
}
