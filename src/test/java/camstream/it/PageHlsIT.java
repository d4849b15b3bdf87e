package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.Browser;
import camstream.it.support.PageVideo;
import camstream.it.support.TomcatWithBrowser;
import camstream.support.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A page asked for HLS ({@code ?transport=hls}, as through a CDN) plays its cameras from camstream's
 * own {@code hls/{camera}/index.m3u8} through hls.js in Chromium (Tomcat 11), with hls.js served from
 * the WAR's WebJar and nothing fetched from anywhere else. Records what it saw in
 * {@code target/browser/page-hls.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageHlsIT {

    private static final List<String> CAMERAS = List.of("front", "back");
    /** hls.js's estimate of how far the picture is behind the playlist's live edge: its target is PART-HOLD-BACK, 1.5 s. */
    private static final long NEAR_LIVE_MILLIS = 4000;
    private static final Pattern HLS_JS = Pattern.compile("/webjars/hls\\.js/([^/]+)/dist/hls\\.min\\.js$");

    @RegisterExtension
    static final TomcatWithBrowser page = new TomcatWithBrowser("page-hls", Map.of(
            "camstream.cameras", String.join(",", CAMERAS),
            "camstream.width", "320", "camstream.height", "240", "camstream.fps", "15"));

    @Test
    void aPageAskedForHlsPlaysEveryCameraThroughHlsJsServedFromTheWar() throws Exception {
        page.browser().get(page.tomcat().url("/?transport=hls").toString());
        for (String camera : CAMERAS) {
            Await.until(Duration.ofSeconds(30), camera + " playing as HLS", () -> {
                Map<String, Object> t = PageVideo.tile(page.browser(), camera);
                return "hls".equals(t.get("format")) && PageVideo.number(t, "videoWidth") > 0;
            });
        }
        String origin = page.tomcat().url("/").toString().replaceAll("^(https?://[^/]+)/.*$", "$1/");
        List<String> fetched = resources();
        String script = fetched.stream().filter(u -> HLS_JS.matcher(u).find()).findFirst()
                .orElseThrow(() -> new AssertionError("hls.js was not loaded: " + fetched));
        Matcher version = HLS_JS.matcher(script);
        assertTrue(version.find());
        for (String url : fetched) {
            assertTrue(url.startsWith(origin), "fetched from elsewhere: " + url);
        }

        for (String camera : CAMERAS) {
            Map<String, Object> t = PageVideo.tile(page.browser(), camera);
            assertEquals("HLS", t.get("label"), t.toString());
            assertEquals("", t.get("why"), t.toString());
            assertEquals("hls.js " + version.group(1), t.get("player"), t.toString());
            assertEquals(320, (long) PageVideo.number(t, "videoWidth"), t.toString());
            assertEquals(240, (long) PageVideo.number(t, "videoHeight"), t.toString());
            WebElement figure = page.browser().findElement(By.cssSelector("[data-camera='" + camera + "']"));
            assertEquals("HLS", figure.findElement(By.cssSelector(".codec")).getText());
            double before = PageVideo.number(t, "currentTime");
            Await.until(Duration.ofSeconds(10), "the currentTime of " + camera + " to advance by 3 s from " + before,
                    () -> PageVideo.number(PageVideo.tile(page.browser(), camera), "currentTime") > before + 3);
            WebElement video = figure.findElement(By.cssSelector("video.live"));
            int[] first = PageVideo.pixels(video);
            Await.until(Duration.ofSeconds(3), "the picture of " + camera + " to change",
                    () -> !Arrays.equals(first, PageVideo.pixels(video)));
            record(camera + ": " + PageVideo.tile(page.browser(), camera));
        }
        // The page never opened its socket: through a CDN it would not have got one.
        assertEquals(0, new Metrics(page.tomcat().url("/metrics")).get("camstream_socket_connections"));
        assertEquals(List.of(), Browser.consoleErrors(page.browser()));
    }

    @Test
    void aTabHiddenForAWhileIsBackNearLiveWithinFiveSecondsOfBeingSeen() throws Exception {
        ChromeDriver browser = page.browser();
        browser.get(page.tomcat().url("/view/front?transport=hls").toString());
        Await.until(Duration.ofSeconds(30), "front playing as HLS", () -> {
            Map<String, Object> t = PageVideo.tile(browser, "front");
            return "hls".equals(t.get("format")) && PageVideo.number(t, "currentTime") > 1;
        });
        String view = browser.getWindowHandle();
        try {
            browser.switchTo().newWindow(WindowType.TAB);
            Thread.sleep(12_000); // the time the tab stays hidden, not a wait for a condition
            browser.close();
        } finally {
            browser.switchTo().window(view);
        }
        long start = System.nanoTime();
        try {
            Await.until(Duration.ofSeconds(5), "front at most " + NEAR_LIVE_MILLIS + " ms behind the live edge again",
                    () -> PageVideo.number(PageVideo.tile(browser, "front"), "latencyMs") <= NEAR_LIVE_MILLIS);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + PageVideo.tile(browser, "front"), e);
        }
        record("hidden for 12 s: at most " + NEAR_LIVE_MILLIS + " ms behind again after " + (System.nanoTime() - start) / 1_000_000
                + " ms; " + PageVideo.tile(browser, "front"));
        assertEquals(List.of(), Browser.consoleErrors(browser));
    }

    /** Every URL the page fetched, itself included. */
    @SuppressWarnings("unchecked")
    private static List<String> resources() {
        return (List<String>) page.browser().executeScript(
                "return [location.href].concat(performance.getEntriesByType('resource').map(e => e.name))");
    }

    private static void record(String line) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "browser"));
        Files.writeString(dir.resolve("page-hls.txt"), line + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println(line);
    }
}
