package camstream.it;

import camstream.it.support.Browser;
import camstream.it.support.PageVideo;
import camstream.it.support.TomcatWithBrowser;
import camstream.support.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index page plays its cameras as H.264 over its one WebSocket in Chromium (Tomcat 11), and
 * keeps to live: a tab hidden for a while, and a link throttled for a while, show frames at most
 * {@link #LIVE_MILLIS} old within 2 s of being visible or fast again. Records the times it measured in
 * {@code target/browser/page-video.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageVideoIT {

    /** A frame shown at most this long after its capture is live (loopback; the camera runs at 15 fps). */
    private static final long LIVE_MILLIS = 500;
    private static final Duration BACK_TO_LIVE = Duration.ofSeconds(2);

    @RegisterExtension
    static final TomcatWithBrowser page = new TomcatWithBrowser("page-video", Map.of(
            "camstream.cameras", "front,back",
            "camstream.width", "320", "camstream.height", "240", "camstream.fps", "15"));

    private ChromeDriver browser() {
        return page.browser();
    }

    private Metrics metrics() {
        return new Metrics(page.tomcat().url("/metrics"));
    }

    @Test
    void everyCameraOfThePagePlaysAsH264OverOneSocket() throws Exception {
        browser().get(page.tomcat().url("/").toString());
        PageVideo.assertPlays(browser(), "front", 320, 240);
        PageVideo.assertPlays(browser(), "back", 320, 240);
        assertEquals(1, metrics().get("camstream_socket_connections"));
        Duration live = PageVideo.awaitLive(browser(), "front", LIVE_MILLIS, Duration.ofSeconds(5));
        record("playing: a frame at most " + LIVE_MILLIS + " ms old shown after " + live.toMillis() + " ms; " + PageVideo.tile(browser(), "front"));
        Files.copy(browser().getScreenshotAs(OutputType.FILE).toPath(),
                Files.createDirectories(Path.of("target", "browser")).resolve("page-video.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aTabHiddenForAWhileIsLiveAgainWithinTwoSecondsOfBeingSeen() throws Exception {
        browser().get(page.tomcat().url("/").toString());
        PageVideo.assertPlays(browser(), "front", 320, 240);
        String grid = browser().getWindowHandle();
        try {
            browser().switchTo().newWindow(WindowType.TAB);
            metrics().await("camstream_viewers", "front", v -> v == 0, Duration.ofSeconds(10));
            Thread.sleep(3000); // the time the tab stays hidden, not a wait for a condition
            browser().close();
            browser().switchTo().window(grid);
            Duration live = PageVideo.awaitLive(browser(), "front", LIVE_MILLIS, Duration.ofSeconds(10));
            record("hidden for 3 s: live again after " + live.toMillis() + " ms; " + PageVideo.tile(browser(), "front"));
            assertTrue(live.compareTo(BACK_TO_LIVE) <= 0, "live again only after " + live.toMillis() + " ms");
        } finally {
            browser().switchTo().window(grid);
        }
    }

    @Test
    void aThrottledLinkIsLiveAgainWithinTwoSecondsOfBeingFast() throws Exception {
        // Chromium throttles a WebSocket only if it opened under emulated conditions: a fast link at first.
        browser().executeCdpCommand("Network.enable", Map.of());
        try {
            link(FAST);
            browser().get(page.tomcat().url("/view/front").toString());
            PageVideo.assertPlays(browser(), "front", 320, 240);
            // Well under the stream's bitrate: frames arrive late, and fewer.
            link(4_000);
            Thread.sleep(4000); // the time the link stays slow, not a wait for a condition
            Map<String, Object> slow = PageVideo.tile(browser(), "front");
            record("throttled to 4 kB/s for 4 s: " + slow);
            assertTrue(PageVideo.number(slow, "latencyMs") > 2 * LIVE_MILLIS, "the throttled page fell behind: " + slow);
        } finally {
            link(FAST);
        }
        Duration live = PageVideo.awaitLive(browser(), "front", LIVE_MILLIS, Duration.ofSeconds(10));
        record("throttled for 4 s: live again after " + live.toMillis() + " ms; " + PageVideo.tile(browser(), "front"));
        assertTrue(live.compareTo(BACK_TO_LIVE) <= 0, "live again only after " + live.toMillis() + " ms");
        // What lies behind the playhead was removed: 2 s and at most a group of pictures (1 s) are kept.
        Map<String, Object> t = PageVideo.tile(browser(), "front");
        assertTrue(PageVideo.number(t, "bufferedEnd") - PageVideo.number(t, "bufferedStart") <= 4, "buffered " + t);
        assertEquals(List.of(), Browser.consoleErrors(browser()));
    }

    /** Bytes a second: loopback's speed, as far as this test can tell. */
    private static final int FAST = 100_000_000;

    /** Emulates a link of {@code bytesPerSecond} down (and 100 ms of latency when slow). */
    private void link(int bytesPerSecond) {
        browser().executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false,
                "latency", bytesPerSecond == FAST ? 0 : 100, "downloadThroughput", bytesPerSecond, "uploadThroughput", -1));
    }

    private static void record(String line) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "browser"));
        Files.writeString(dir.resolve("page-video.txt"), line + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println(line);
    }
}
