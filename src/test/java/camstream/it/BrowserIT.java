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
import org.openqa.selenium.chrome.ChromeDriver;
import camstream.support.Metrics;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index page in a real headless Chromium, served by Tomcat 11. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserIT {

    private static final List<String> CAMERAS = List.of("front", "back", "side");

    @RegisterExtension
    static final TomcatWithBrowser page = new TomcatWithBrowser("browser", Map.of(
            "camstream.cameras", String.join(",", CAMERAS),
            "camstream.width", "320", "camstream.height", "240", "camstream.fps", "10"));

    @Test
    void everyCameraImageShowsAMovingPictureWithoutConsoleErrors() throws Exception {
        page.browser().get(page.tomcat().url("/").toString());
        // With JavaScript each tile draws its camera from the page's WebSocket onto a canvas.
        List<WebElement> images = page.browser().findElements(By.cssSelector("figure.camera canvas.live"));
        assertEquals(CAMERAS.size(), images.size());

        for (WebElement img : images) {
            Await.until(Duration.ofSeconds(15), "a picture in " + camera(img), () -> width(img) > 0);
            assertEquals(320, width(img), camera(img));
        }
        for (WebElement img : images) {
            int[] before = pixels(img);
            Await.until(Duration.ofSeconds(2), "the picture of " + camera(img) + " to change",
                    () -> !Arrays.equals(before, pixels(img)));
        }

        Path png = Files.createDirectories(Path.of("target", "browser")).resolve("index.png");
        Files.copy(page.browser().getScreenshotAs(OutputType.FILE).toPath(), png, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(png) > 0);
        assertEquals(List.of(), Browser.consoleErrors(page.browser()));
    }

    @Test
    void withJavaScriptOffEveryTileIsAMultipartStream() throws Exception {
        ChromeDriver plain = Browser.start(page.tomcat().base().resolve("no-js"), false);
        try {
            plain.get(page.tomcat().url("/").toString());
            List<WebElement> images = plain.findElements(By.cssSelector("figure.camera img"));
            assertEquals(CAMERAS.size(), images.size());
            for (WebElement img : images) {
                assertTrue(img.getAttribute("src").contains("/stream/"), img.getAttribute("src"));
                Await.until(Duration.ofSeconds(15), "a picture in " + img.getAttribute("src"),
                        () -> img.getSize().getWidth() == 320);
            }
            Metrics metrics = new Metrics(page.tomcat().url("/metrics"));
            for (String id : CAMERAS) {
                metrics.await("camstream_viewers", id, v -> v >= 1, Duration.ofSeconds(10));
            }
        } finally {
            plain.quit();
        }
    }

    /** Width of the picture drawn (0 before the first). */
    private long width(WebElement canvas) {
        return (Long) page.browser().executeScript("return arguments[0].width", canvas);
    }

    private String camera(WebElement canvas) {
        return (String) page.browser().executeScript("return arguments[0].closest('[data-camera]').dataset.camera", canvas);
    }

    private static int[] pixels(WebElement element) throws IOException {
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(element.getScreenshotAs(OutputType.BYTES)));
        return shot.getRGB(0, 0, shot.getWidth(), shot.getHeight(), null, 0, shot.getWidth());
    }
}
