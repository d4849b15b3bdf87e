package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.TomcatWithBrowser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page's memory in Chromium while 16 cameras play at 30 fps for a minute: its JS heap after a
 * collection, and the pictures it holds undrawn, do not grow. Records the samples in
 * {@code target/browser/memory.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserMemoryIT {

    private static final int CAMERAS = 16;
    private static final Duration RUN = Duration.ofSeconds(60);

    @RegisterExtension
    static final TomcatWithBrowser page = new TomcatWithBrowser("browser-memory", Map.of(
            "camstream.cameras", String.join(",", IntStream.rangeClosed(1, CAMERAS).mapToObj(i -> "cam" + i).toList()),
            "camstream.width", "160", "camstream.height", "120", "camstream.fps", "30", "camstream.pageVideo", "jpeg"));

    @Test
    void sixteenCamerasAtThirtyFpsForAMinuteLeaveThePagesMemoryFlat() throws Exception {
        // A window the whole grid fits in: a tile off screen is paused, and this test wants all of them playing.
        page.browser().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 3000));
        page.browser().executeCdpCommand("Performance.enable", Map.of());
        page.browser().get(page.tomcat().url("/").toString());
        Await.until(Duration.ofSeconds(15), "every tile to receive pictures", () -> {
            Map<String, Object> s = stats();
            @SuppressWarnings("unchecked")
            Map<String, Long> perCamera = (Map<String, Long>) s.get("perCamera");
            return perCamera.size() == CAMERAS && perCamera.values().stream().allMatch(n -> n > 30);
        });

        List<String> samples = new ArrayList<>();
        long heapStart = heapAfterCollection();
        long picturesStart = (Long) stats().get("pictures");
        long maxOpen = 0;
        long end = System.nanoTime() + RUN.toNanos();
        long next = System.nanoTime();
        while (System.nanoTime() < end) {
            Map<String, Object> s = stats();
            long open = (Long) s.get("openBitmaps");
            maxOpen = Math.max(maxOpen, open);
            samples.add(String.format("  %5.1f s: JS heap %6.2f MB, pictures %d, decoded %d, undrawn bitmaps %d",
                    (System.nanoTime() - end + RUN.toNanos()) / 1e9, heapUsed() / 1e6, s.get("pictures"),
                    s.get("decoded"), open));
            next += 5_000_000_000L;
            Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000)); // the sampling period
        }
        long heapEnd = heapAfterCollection();
        Map<String, Object> last = stats();
        long pictures = (Long) last.get("pictures") - picturesStart;
        double growthMb = (heapEnd - heapStart) / 1e6;

        long mostOpen = maxOpen;
        String report = String.format("""
                %d cameras at 30 fps (160x120) for %d s in %s %s, page from %s:
                  pictures received %d (%.0f/s), failed decodes %s, socket connects %s
                  JS heap after a collection: %.2f MB at the start, %.2f MB at the end (%+.2f MB)
                  most undrawn bitmaps at once: %d
                %s
                """, CAMERAS, RUN.toSeconds(), page.browser().getCapabilities().getBrowserName(),
                page.browser().getCapabilities().getBrowserVersion(), page.tomcat().name(), pictures,
                pictures / (double) RUN.toSeconds(), last.get("failed"), last.get("connects"), heapStart / 1e6,
                heapEnd / 1e6, growthMb, mostOpen, String.join("\n", samples));
        Path dir = Files.createDirectories(Path.of("target", "browser"));
        Files.writeString(dir.resolve("memory.txt"), report, StandardCharsets.UTF_8);
        System.out.print(report);

        assertAll(
                // A leak of one picture per frame would be 16 x 30 x 60 x ~5 KB: over 100 MB.
                () -> assertTrue(growthMb < 2, report),
                () -> assertTrue(mostOpen <= CAMERAS, report),
                () -> assertEquals(0L, last.get("failed"), report),
                () -> assertEquals(1L, last.get("connects"), report),
                () -> assertTrue(pictures > CAMERAS * RUN.toSeconds() * 5, "pictures flowed: " + report));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> stats() {
        return (Map<String, Object>) page.browser().executeScript("return window.camstreamSocket.stats()");
    }

    private long heapAfterCollection() {
        page.browser().executeCdpCommand("HeapProfiler.enable", Map.of());
        page.browser().executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
        return heapUsed();
    }

    @SuppressWarnings("unchecked")
    private long heapUsed() {
        Map<String, Object> r = page.browser().executeCdpCommand("Performance.getMetrics", Map.of());
        for (Map<String, Object> m : (List<Map<String, Object>>) r.get("metrics")) {
            if ("JSHeapUsedSize".equals(m.get("name"))) {
                return ((Number) m.get("value")).longValue();
            }
        }
        throw new AssertionError("no JSHeapUsedSize in " + r);
    }
}
