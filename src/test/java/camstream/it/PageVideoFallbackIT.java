package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.Browser;
import camstream.it.support.PageVideo;
import camstream.it.support.TomcatWithBrowser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without OpenH264 on the server the page shows JPEG pictures in Chromium (Tomcat 11), over its socket or,
 * asked for HLS, as multipart streams, and each tile says why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageVideoFallbackIT {

    @RegisterExtension
    static final TomcatWithBrowser page = new TomcatWithBrowser("page-no-openh264", Map.of(
            "camstream.cameras", "front,back", "camstream.openh264Library", "libnope.so.1",
            "camstream.width", "320", "camstream.height", "240", "camstream.fps", "10"));

    @Test
    void withoutOpenH264ThePageShowsPicturesAndEachTileSaysWhy() throws Exception {
        page.browser().get(page.tomcat().url("/").toString());
        for (String camera : List.of("front", "back")) {
            Await.until(Duration.ofSeconds(15), "pictures of " + camera + " and the reason",
                    () -> String.valueOf(PageVideo.tile(page.browser(), camera).get("why")).startsWith("JPEG: "));
            Map<String, Object> tile = PageVideo.tile(page.browser(), camera);
            assertEquals("jpeg", tile.get("format"), tile.toString());
            assertEquals("JPEG", tile.get("label"), tile.toString());
            String why = (String) tile.get("why");
            assertTrue(why.startsWith("JPEG: camera '" + camera + "' sends no H.264: OpenH264 (libnope.so.1) did not load")
                    && why.endsWith("; install the package libopenh264-7 (Debian/Ubuntu) or set camstream.openh264Library"),
                    why);
            WebElement figure = page.browser().findElement(By.cssSelector("[data-camera='" + camera + "']"));
            assertEquals(why, figure.findElement(By.cssSelector("figcaption .why")).getText());
            WebElement canvas = figure.findElement(By.cssSelector("canvas.live"));
            Await.until(Duration.ofSeconds(10), "a picture of " + camera,
                    () -> (Long) page.browser().executeScript("return arguments[0].width", canvas) == 320);
            int[] before = PageVideo.pixels(canvas);
            Await.until(Duration.ofSeconds(3), "the picture of " + camera + " to change",
                    () -> !Arrays.equals(before, PageVideo.pixels(canvas)));
            assertTrue(figure.findElements(By.cssSelector("video.live:not([hidden])")).isEmpty(), "no video shows");
        }
        assertEquals(List.of(), Browser.consoleErrors(page.browser()));
    }

    @Test
    void withoutOpenH264APageAskedForHlsShowsMultipartStreamsAndEachTileSaysWhy() throws Exception {
        page.browser().get(page.tomcat().url("/?transport=hls").toString());
        for (String camera : List.of("front", "back")) {
            Await.until(Duration.ofSeconds(15), "the multipart stream of " + camera + " and the reason",
                    () -> "multipart".equals(PageVideo.tile(page.browser(), camera).get("format")));
            Map<String, Object> tile = PageVideo.tile(page.browser(), camera);
            assertEquals("JPEG", tile.get("label"), tile.toString());
            String why = (String) tile.get("why");
            assertTrue(why.startsWith("JPEG: no HLS stream: camera '" + camera + "' sends no H.264: OpenH264 (libnope.so.1) did not load"),
                    why);
            WebElement figure = page.browser().findElement(By.cssSelector("[data-camera='" + camera + "']"));
            assertEquals(why, figure.findElement(By.cssSelector("figcaption .why")).getText());
            WebElement img = figure.findElement(By.cssSelector("img"));
            assertTrue(img.getAttribute("src").endsWith("/stream/" + camera), img.getAttribute("src"));
            Await.until(Duration.ofSeconds(15), "a picture of " + camera,
                    () -> (Long) page.browser().executeScript("return arguments[0].naturalWidth", img) == 320);
            assertTrue(figure.findElements(By.cssSelector("video")).isEmpty(), "no video");
        }
        // What the browser says of the refused playlists (503), and nothing else.
        for (String error : Browser.consoleErrors(page.browser())) {
            assertTrue(error.matches(".*/hls/(front|back)/index\\.m3u8 - Failed to load resource: .* 503 .*"), error);
        }
    }
}
