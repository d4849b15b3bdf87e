package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.Browser;
import camstream.it.support.TomcatWithBrowser;
import camstream.support.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WindowType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * More cameras on one page than HTTP/1.1 connections a browser opens to one host (6): the page shows
 * them all over one WebSocket, pauses those nobody can see, and leaves the host's connections free.
 * Records what it saw in {@code target/browser/sixteen-cameras.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserConnectionLimitIT {

    private static final int CAMERAS = 16;
    private static final List<String> IDS = IntStream.rangeClosed(1, CAMERAS).mapToObj(i -> "cam" + i).toList();

    @RegisterExtension
    static final TomcatWithBrowser page = new TomcatWithBrowser("browser16", Map.of(
            "camstream.cameras", String.join(",", IDS),
            "camstream.camera.cam16.maxVariants", "0",
            "camstream.width", "160", "camstream.height", "120", "camstream.fps", "10", "camstream.pageVideo", "jpeg"));

    /** A hash of each tile's pixels (null before its first picture), read back through a canvas. */
    static final String PIXELS = """
            const out = {};
            for (const c of document.querySelectorAll('figure.camera canvas.live')) {
              const id = c.closest('[data-camera]').dataset.camera;
              if (!c.width) { out[id] = null; continue; }
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let h = 0;
              for (let i = 0; i < d.length; i += 3) h = (h * 31 + d[i]) | 0;
              out[id] = h;
            }
            return out;
            """;

    private Metrics metrics() {
        return new Metrics(page.tomcat().url("/metrics"));
    }

    @Test
    void sixteenCamerasPlayOverOneWebSocketAndTheSnapshotLinkStillAnswers() throws Exception {
        // A window the whole grid fits in: a tile off screen is paused, and this test wants all of them playing.
        Dimension size = page.browser().manage().window().getSize();
        page.browser().manage().window().setSize(new Dimension(1280, 3000));
        try {
            sixteenCamerasPlay();
        } finally {
            page.browser().manage().window().setSize(size);
        }
    }

    private void sixteenCamerasPlay() throws Exception {
        long start = System.nanoTime();
        page.browser().get(page.tomcat().url("/").toString());
        assertEquals(CAMERAS, page.browser().findElements(By.cssSelector("figure.camera canvas.live")).size());

        // Every tile shows a picture, then a different one.
        Map<String, Long> first = new HashMap<>();
        List<String> moving = new ArrayList<>();
        Await.until(Duration.ofSeconds(30), "every tile to show a changing picture", () -> {
            @SuppressWarnings("unchecked")
            Map<String, Long> now = (Map<String, Long>) page.browser().executeScript(PIXELS);
            now.forEach((id, hash) -> {
                if (hash != null) {
                    Long before = first.putIfAbsent(id, hash);
                    if (before != null && !before.equals(hash) && !moving.contains(id)) {
                        moving.add(id);
                    }
                }
            });
            return moving.size() == CAMERAS;
        });
        double playingAfter = (System.nanoTime() - start) / 1e9;
        assertTrue(playingAfter <= 5, "every tile showed a changing picture only after " + playingAfter + " s");

        long sockets = metrics().get("camstream_socket_connections");
        long viewerSum = 0;
        for (String id : IDS) {
            viewerSum += metrics().get("camstream_viewers", id);
        }
        long viewers = viewerSum;
        // What a user gets when clicking "snapshot" while all of them play: one more request to the same host.
        Object snapshot = page.browser().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const abort = new AbortController();
                const timer = setTimeout(() => abort.abort(), 2000);
                const t0 = performance.now();
                fetch(arguments[0], {signal: abort.signal, cache: 'no-store'})
                  .then(r => r.arrayBuffer().then(b => { clearTimeout(timer);
                        done('answered ' + r.status + ' with ' + (b.byteLength > 0 ? 'a picture' : 'nothing')
                             + ' in ' + Math.round(performance.now() - t0) + ' ms'); }))
                  .catch(e => done('no answer within 2 s (' + e.name + ')'));
                """, page.tomcat().url("/snapshot/cam16").toString());
        Object readyState = page.browser().executeScript("return document.readyState");

        Path dir = Files.createDirectories(Path.of("target", "browser"));
        Files.copy(page.browser().getScreenshotAs(OutputType.FILE).toPath(), dir.resolve("sixteen-cameras.png"),
                StandardCopyOption.REPLACE_EXISTING);
        String report = String.format("""
                %s, %d cameras on one page from %s:
                  every tile showed a changing picture %.1f s after the page was asked for
                  WebSocket connections the server counts: %d; viewers it counts: %d
                  fetch of a snapshot from the same page: %s
                  document.readyState: %s
                """, page.browser().getCapabilities().getBrowserName() + " "
                        + page.browser().getCapabilities().getBrowserVersion(), CAMERAS, page.tomcat().name(),
                playingAfter, sockets, viewers, snapshot, readyState);
        Files.writeString(dir.resolve("sixteen-cameras.txt"), report, StandardCharsets.UTF_8);
        System.out.print(report);

        assertAll(
                () -> assertEquals(1, sockets, report),
                () -> assertEquals(CAMERAS, viewers, report),
                () -> assertTrue(String.valueOf(snapshot).startsWith("answered 200 with a picture"), report),
                () -> assertEquals("complete", readyState, report),
                () -> assertEquals(List.of(), Browser.consoleErrors(page.browser()), report));
    }

    @Test
    void tilesOffScreenAndAHiddenTabReceiveNothingUntilTheyAreSeenAgain() throws Exception {
        page.browser().get(page.tomcat().url("/").toString());
        Dimension size = page.browser().manage().window().getSize();
        String grid = page.browser().getWindowHandle();
        try {
            // A small window: the first tiles are on screen, cam16 is not.
            page.browser().manage().window().setSize(new Dimension(420, 360));
            page.browser().executeScript("window.scrollTo(0, 0)");
            metrics().await("camstream_viewers", "cam1", v -> v == 1, Duration.ofSeconds(15));
            metrics().await("camstream_viewers", "cam16", v -> v == 0, Duration.ofSeconds(15));
            assertStill("cam16");
            assertMoving("cam1");
            assertEquals(1, metrics().get("camstream_socket_connections"));

            page.browser().executeScript("window.scrollTo(0, document.body.scrollHeight)");
            metrics().await("camstream_viewers", "cam16", v -> v == 1, Duration.ofSeconds(10));
            metrics().await("camstream_viewers", "cam1", v -> v == 0, Duration.ofSeconds(10));
            assertMoving("cam16");
            assertStill("cam1");

            // Another tab in front: this one is hidden and asks for nothing, and keeps its socket.
            page.browser().switchTo().newWindow(WindowType.TAB);
            metrics().await("camstream_viewers", "cam16", v -> v == 0, Duration.ofSeconds(10));
            assertStill("cam16");
            assertEquals(1, metrics().get("camstream_socket_connections"));

            page.browser().close();
            page.browser().switchTo().window(grid);
            metrics().await("camstream_viewers", "cam16", v -> v == 1, Duration.ofSeconds(10));
            assertMoving("cam16");
        } finally {
            page.browser().switchTo().window(grid);
            page.browser().manage().window().setSize(size);
        }
    }

    @Test
    void theSingleCameraViewUsesASocketOfItsOwnBesideTheGrid() throws Exception {
        page.browser().get(page.tomcat().url("/").toString());
        String grid = page.browser().getWindowHandle();
        metrics().await("camstream_socket_connections", v -> v == 1, Duration.ofSeconds(10));
        page.browser().switchTo().newWindow(WindowType.TAB);
        try {
            page.browser().get(page.tomcat().url("/view/cam3").toString());
            assertEquals(1, page.browser().findElements(By.cssSelector("figure.camera canvas.live")).size());
            Map<String, Long> first = new HashMap<>();
            Await.until(Duration.ofSeconds(10), "cam3 to show a changing picture full size", () -> {
                @SuppressWarnings("unchecked")
                Map<String, Long> now = (Map<String, Long>) page.browser().executeScript(PIXELS);
                Long hash = now.get("cam3");
                return hash != null && !hash.equals(first.computeIfAbsent("cam3", k -> hash));
            });
            // The grid, hidden behind this tab, keeps its socket and pauses; the view has its own.
            metrics().await("camstream_socket_connections", v -> v == 2, Duration.ofSeconds(10));
            metrics().await("camstream_viewers", "cam1", v -> v == 0, Duration.ofSeconds(10));
            assertEquals(1, metrics().get("camstream_viewers", "cam3"));
            assertEquals(404, page.tomcat().status("/view/nope"));
            assertEquals(List.of(), Browser.consoleErrors(page.browser()));
        } finally {
            page.browser().close();
            page.browser().switchTo().window(grid);
        }
    }

    @Test
    void aPageLeftEndsItsSocketAtOnceAndOneComingBackConnectsAgain() throws Exception {
        page.browser().get(page.tomcat().url("/view/cam5").toString());
        metrics().await("camstream_socket_connections", v -> v == 1, Duration.ofSeconds(10));
        metrics().await("camstream_viewers", "cam5", v -> v == 1, Duration.ofSeconds(10));
        // Not after the stall timeout (15 s): Chromium may keep the page, frozen, in its back/forward cache.
        page.browser().get("about:blank");
        metrics().await("camstream_socket_connections", v -> v == 0, Duration.ofSeconds(3));
        metrics().await("camstream_viewers", "cam5", v -> v == 0, Duration.ofSeconds(3));

        page.browser().navigate().back();
        metrics().await("camstream_viewers", "cam5", v -> v == 1, Duration.ofSeconds(10));
        assertEquals(1, metrics().get("camstream_socket_connections"));
        page.browser().get("about:blank");
        metrics().await("camstream_socket_connections", v -> v == 0, Duration.ofSeconds(3));
    }

    @Test
    void theSingleCameraViewTakesTheOptionsOfAStreamUrl() throws Exception {
        try {
            page.browser().get(page.tomcat().url("/view/cam5?width=80&fps=5").toString());
            Await.until(Duration.ofSeconds(10), "cam5 drawn at the 80-pixel width asked for", () -> Long.valueOf(80).equals(
                    page.browser().executeScript("return document.querySelector('figure.camera canvas.live').width")));
            assertEquals(Long.valueOf(60), page.browser().executeScript(
                    "return document.querySelector('figure.camera canvas.live').height"), "160x120 scaled to 80 wide");
            assertEquals(400, page.tomcat().status("/view/cam5?width=wide"));
            assertEquals(List.of(), Browser.consoleErrors(page.browser()));
        } finally {
            // The other tests count the sockets of their own pages.
            page.browser().get("about:blank");
            metrics().await("camstream_socket_connections", v -> v == 0, Duration.ofSeconds(3));
        }
    }

    @Test
    void aViewTheServerRefusesSaysWhyOnItsTile() throws Exception {
        try {
            page.browser().get(page.tomcat().url("/view/cam16?width=80").toString());
            String why = "camera 'cam16' sends only its own size and quality (camstream.maxVariants=0)";
            Await.until(Duration.ofSeconds(10), "the reason on the tile", () -> why.equals(page.browser().executeScript(
                    "const n = document.querySelector('figure.camera p.notice'); return n && n.textContent")));
            assertEquals(List.of(), Browser.consoleErrors(page.browser()));
        } finally {
            page.browser().get("about:blank");
            metrics().await("camstream_socket_connections", v -> v == 0, Duration.ofSeconds(3));
        }
    }

    @Test
    void aPageWhoseSocketDropsConnectsAgainAndPlaysOn() throws Exception {
        page.browser().get(page.tomcat().url("/").toString());
        Await.until(Duration.ofSeconds(10), "the socket to open", () -> "open".equals(stats().get("state")));
        long connects = (Long) stats().get("connects");

        // A redeploy stops the webapp, which closes its sockets, and starts it again a few seconds later.
        page.tomcat().deploy();
        Await.until(Duration.ofSeconds(60), "the page to connect again", () ->
                (Long) stats().get("connects") > connects && "open".equals(stats().get("state")));
        long pictures = (Long) stats().get("pictures");
        Await.until(Duration.ofSeconds(10), "pictures to flow again", () -> (Long) stats().get("pictures") > pictures + 16);
        assertEquals(1, metrics().await("camstream_socket_connections", v -> v == 1, Duration.ofSeconds(5)));
        // Chromium logs each request that found no webapp (404: the socket, /status) as an error; nothing else went wrong.
        List<String> others = Browser.consoleErrors(page.browser()).stream()
                .filter(e -> !e.contains("Error during WebSocket handshake: Unexpected response code: 404")
                        && !e.contains("the server responded with a status of 404")).toList();
        assertEquals(List.of(), others);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> stats() {
        return (Map<String, Object>) page.browser().executeScript("return window.camstreamSocket.stats()");
    }

    /** Nothing of {@code camera} is sent over the socket for a second. */
    private void assertStill(String camera) throws Exception {
        long before = settled(camera);
        Thread.sleep(1000); // the measured span itself, not a wait for a condition
        assertEquals(before, metrics().get("camstream_socket_frames_sent_total", camera), camera + " sent while paused");
    }

    private void assertMoving(String camera) throws Exception {
        long before = metrics().get("camstream_socket_frames_sent_total", camera);
        Await.until(Duration.ofSeconds(5), camera + " to be sent again",
                () -> metrics().get("camstream_socket_frames_sent_total", camera) >= before + 3);
    }

    /** The counter once a send already under way has finished: equal on two reads 300 ms apart. */
    private long settled(String camera) throws Exception {
        long[] last = {-1};
        Await.until(Duration.ofSeconds(5), camera + "'s counter to settle", () -> {
            long v = metrics().get("camstream_socket_frames_sent_total", camera);
            boolean same = Objects.equals(v, last[0]);
            last[0] = v;
            if (!same) {
                Thread.sleep(300);
            }
            return same;
        });
        return last[0];
    }
}
