package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.Browser;
import camstream.it.support.JettyDistribution;
import camstream.it.support.PageVideo;
import camstream.support.Metrics;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty without its WebSocket module: camstream says so in the log, and the page, whose socket never
 * opens, plays each camera's HLS stream through hls.js instead (in Chromium), as it would through a
 * CDN that passes no WebSocket.
 */
class NoWebSocketIT {

    private static final List<String> CAMERAS = List.of("front", "back");

    @Test
    void withoutWebSocketTheLogSaysWhatToAddAndThePagePlaysHlsThroughHlsJs() throws Exception {
        try (JettyDistribution jetty = new JettyDistribution("jetty12-no-websocket", "http,ee10-deploy,ee10-jsp")) {
            jetty.deploy().start(Map.of("camstream.cameras", String.join(",", CAMERAS),
                    "camstream.width", "320", "camstream.height", "240", "camstream.fps", "10"));
            jetty.awaitReady("/");
            assertTrue(jetty.log().contains("This container offers no WebSocket: the page falls back to one HLS stream"
                    + " per camera, or a multipart stream where the browser plays no HLS, and over HTTP/1.1 these share a"
                    + " browser's 6 connections (on Jetty, add the module ee10-websocket-jakarta)"),
                    jetty.tail());
            ChromeDriver browser = Browser.start(jetty.base());
            try {
                browser.get(jetty.url("/").toString());
                for (String camera : CAMERAS) {
                    Await.until(Duration.ofSeconds(30), camera + " playing as HLS once the socket failed", () -> {
                        Map<String, Object> t = PageVideo.tile(browser, camera);
                        return "hls".equals(t.get("format")) && PageVideo.number(t, "videoWidth") == 320;
                    });
                    Map<String, Object> t = PageVideo.tile(browser, camera);
                    assertEquals("HLS", t.get("label"), t.toString());
                    assertTrue(String.valueOf(t.get("player")).startsWith("hls.js "), t.toString());
                    double before = PageVideo.number(t, "currentTime");
                    Await.until(Duration.ofSeconds(10), "the currentTime of " + camera + " to advance by 2 s",
                            () -> PageVideo.number(PageVideo.tile(browser, camera), "currentTime") > before + 2);
                }
                assertTrue(browser.findElements(By.cssSelector("figure.camera img")).isEmpty(), "no multipart stream");
                assertEquals(0, new Metrics(jetty.url("/metrics")).get("camstream_socket_connections"));
            } finally {
                browser.quit();
            }
        }
    }
}
