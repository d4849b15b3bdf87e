package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.Browser;
import camstream.it.support.TomcatWithBrowser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures what Chromium does with more MJPEG streams on one page than HTTP/1.1 connections it
 * opens to one host (6). Records the observation in {@code target/browser/eight-streams.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserConnectionLimitIT {

    private static final int CAMERAS = 8;
    private static final int CHROMIUM_CONNECTIONS_PER_HOST = 6;
    private static final Pattern VIEWERS = Pattern.compile("(?m)^camstream_viewers\\{camera=\"[^\"]+\"} (\\d+)(?:\\.0)?$");

    @RegisterExtension
    static final TomcatWithBrowser page = new TomcatWithBrowser("browser8", Map.of(
            "camstream.cameras", String.join(",", IntStream.rangeClosed(1, CAMERAS).mapToObj(i -> "cam" + i).toList()),
            "camstream.width", "160", "camstream.height", "120", "camstream.fps", "10"));

    @Test
    void eightStreamsOnOnePageShowOnlySixAndBlockEveryFurtherRequestToTheHost() throws Exception {
        page.browser().get(page.tomcat().url("/").toString());
        List<WebElement> images = page.browser().findElements(By.cssSelector("figure.camera img"));
        assertEquals(CAMERAS, images.size());

        Await.until(Duration.ofSeconds(20), "the first " + CHROMIUM_CONNECTIONS_PER_HOST + " pictures",
                () -> showing(images).size() >= CHROMIUM_CONNECTIONS_PER_HOST);
        boolean allShown = Await.within(Duration.ofSeconds(10), () -> showing(images).size() == CAMERAS);
        List<String> shown = showing(images);
        String metrics = page.tomcat().get("/metrics").body();
        int viewers = VIEWERS.matcher(metrics).results()
                .mapToInt(m -> Integer.parseInt(m.group(1))).sum();
        // What a user gets when clicking "snapshot" while the page streams: one more request to the same host.
        Object snapshot = page.browser().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const abort = new AbortController();
                const timer = setTimeout(() => abort.abort(), 5000);
                fetch(arguments[0], {signal: abort.signal, cache: 'no-store'})
                  .then(r => { clearTimeout(timer); done('answered ' + r.status); })
                  .catch(e => done('no answer within 5 s (' + e.name + ')'));
                """, page.tomcat().url("/snapshot/cam1").toString());

        Object readyState = page.browser().executeScript("return document.readyState");
        Path dir = Files.createDirectories(Path.of("target", "browser"));
        Files.copy(page.browser().getScreenshotAs(OutputType.FILE).toPath(), dir.resolve("eight-streams.png"),
                StandardCopyOption.REPLACE_EXISTING);
        String report = String.format("""
                %s, %d MJPEG <img> streams on one page to %s over HTTP/1.1:
                  pictures showing after 20 s + 10 s: %d of %d %s%s
                  viewers the server counts: %d
                  fetch of a snapshot from the same page: %s
                  document.readyState: %s (the load event %s)
                """, page.browser().getCapabilities().getBrowserName() + " " + page.browser().getCapabilities().getBrowserVersion(),
                CAMERAS, page.tomcat().name(), shown.size(), CAMERAS, shown, allShown ? "" : " (the rest never load)",
                viewers, snapshot, readyState, "complete".equals(readyState) ? "fired" : "never fired");
        Files.writeString(dir.resolve("eight-streams.txt"), report, StandardCharsets.UTF_8);
        System.out.print(report);

        assertAll(
                () -> assertEquals(CHROMIUM_CONNECTIONS_PER_HOST, shown.size(), report),
                () -> assertEquals(CHROMIUM_CONNECTIONS_PER_HOST, viewers, report),
                () -> assertEquals("no answer within 5 s (AbortError)", snapshot, report),
                () -> assertEquals("interactive", readyState, report));
    }

    private List<String> showing(List<WebElement> images) {
        return images.stream()
                .filter(img -> (Long) page.browser().executeScript("return arguments[0].naturalWidth", img) > 0)
                .map(img -> img.getAttribute("src").replaceAll(".*/", ""))
                .toList();
    }
}
