package camstream.it.support;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the page's H.264 player shows in Chromium, read from the page's stats ({@code camstreamSocket.stats()}). */
public final class PageVideo {

    private PageVideo() {
    }

    /** One tile's numbers: format, label and why, and for H.264 currentTime, videoWidth, latencyMs and the like. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> tile(ChromeDriver browser, String camera) {
        Map<String, Object> stats = (Map<String, Object>) browser.executeScript("return window.camstreamSocket.stats()");
        return ((Map<String, Map<String, Object>>) stats.get("perTile")).get(camera);
    }

    public static double number(Map<String, Object> tile, String key) {
        Object v = tile.get(key);
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }

    /**
     * The tile of {@code camera} plays it as H.264: its label says so, its {@code <video>} has the
     * camera's size, its currentTime advances and its picture changes.
     */
    public static void assertPlays(ChromeDriver browser, String camera, int width, int height) throws Exception {
        Await.until(Duration.ofSeconds(20), camera + " as H.264 on the page", () -> {
            Map<String, Object> t = tile(browser, camera);
            return "h264".equals(t.get("format")) && number(t, "videoWidth") > 0;
        });
        Map<String, Object> t = tile(browser, camera);
        assertEquals("H.264", t.get("label"), t.toString());
        assertEquals("", t.get("why"), t.toString());
        assertEquals("H.264", browser.findElement(By.cssSelector("[data-camera='" + camera + "'] .codec")).getText());
        assertEquals(width, (long) number(t, "videoWidth"), t.toString());
        assertEquals(height, (long) number(t, "videoHeight"), t.toString());

        double before = number(t, "currentTime");
        Await.until(Duration.ofSeconds(3), "the currentTime of " + camera + " to advance by a second from " + before,
                () -> number(tile(browser, camera), "currentTime") > before + 1);
        WebElement video = browser.findElement(By.cssSelector("[data-camera='" + camera + "'] video.live"));
        int[] first = pixels(video);
        Await.until(Duration.ofSeconds(3), "the picture of " + camera + " to change",
                () -> !Arrays.equals(first, pixels(video)));
        assertEquals(List.of(), Browser.consoleErrors(browser));
    }

    /** Waits until the tile shows a frame captured at most {@code liveMillis} before; returns how long that took. */
    public static Duration awaitLive(ChromeDriver browser, String camera, long liveMillis, Duration timeout) throws Exception {
        long start = System.nanoTime();
        double shownBefore = number(tile(browser, camera), "shown");
        Await.until(timeout, camera + " to show a frame at most " + liveMillis + " ms old", () -> {
            Map<String, Object> t = tile(browser, camera);
            return number(t, "shown") > shownBefore && number(t, "latencyMs") <= liveMillis;
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    public static int[] pixels(WebElement element) throws IOException {
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(element.getScreenshotAs(OutputType.BYTES)));
        return shot.getRGB(0, 0, shot.getWidth(), shot.getHeight(), null, 0, shot.getWidth());
    }
}
