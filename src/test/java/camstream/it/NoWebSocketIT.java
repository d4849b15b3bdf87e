package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.Browser;
import camstream.it.support.JettyDistribution;
import camstream.support.Metrics;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty without its WebSocket module: camstream says so in the log, and the page falls back to one
 * multipart stream per camera (in Chromium).
 */
class NoWebSocketIT {

    private static final List<String> CAMERAS = List.of("front", "back");

    @Test
    void withoutWebSocketTheLogSaysWhatToAddAndThePageShowsMultipartStreams() throws Exception {
        try (JettyDistribution jetty = new JettyDistribution("jetty12-no-websocket", "http,ee10-deploy,ee10-jsp")) {
            jetty.deploy().start(Map.of("camstream.cameras", String.join(",", CAMERAS),
                    "camstream.width", "320", "camstream.height", "240", "camstream.fps", "10"));
            jetty.awaitReady("/");
            assertTrue(jetty.log().contains("This container offers no WebSocket: the page falls back to one HTTP stream"
                    + " per camera, and a browser shows at most 6 of them (on Jetty, add the module ee10-websocket-jakarta)"),
                    jetty.tail());
            ChromeDriver browser = Browser.start(jetty.base());
            try {
                browser.get(jetty.url("/").toString());
                Await.until(Duration.ofSeconds(30), "the page to fall back to multipart streams",
                        () -> browser.findElements(By.cssSelector("figure.camera img")).size() == CAMERAS.size());
                for (WebElement img : browser.findElements(By.cssSelector("figure.camera img"))) {
                    assertTrue(img.getAttribute("src").contains("/stream/"), img.getAttribute("src"));
                    Await.until(Duration.ofSeconds(15), "a picture in " + img.getAttribute("src"),
                            () -> (Long) browser.executeScript("return arguments[0].naturalWidth", img) == 320);
                }
                Metrics metrics = new Metrics(jetty.url("/metrics"));
                for (String id : CAMERAS) {
                    metrics.await("camstream_viewers", id, v -> v == 1, Duration.ofSeconds(10));
                }
                assertEquals(0, metrics.get("camstream_socket_connections"));
            } finally {
                browser.quit();
            }
        }
    }
}
