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
        List<WebElement> images = page.browser().findElements(By.cssSelector("figure.camera img"));
        assertEquals(CAMERAS.size(), images.size());

        for (WebElement img : images) {
            Await.until(Duration.ofSeconds(15), "a picture in " + img.getAttribute("src"),
                    () -> naturalWidth(img) > 0);
            assertEquals(320, naturalWidth(img), img.getAttribute("src"));
        }
        for (WebElement img : images) {
            int[] before = pixels(img);
            Await.until(Duration.ofSeconds(2), "the picture in " + img.getAttribute("src") + " to change",
                    () -> !Arrays.equals(before, pixels(img)));
        }

        Path png = Files.createDirectories(Path.of("target", "browser")).resolve("index.png");
        Files.copy(page.browser().getScreenshotAs(OutputType.FILE).toPath(), png, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(png) > 0);
        assertEquals(List.of(), Browser.consoleErrors(page.browser()));
    }

    private long naturalWidth(WebElement img) {
        return (Long) page.browser().executeScript("return arguments[0].naturalWidth", img);
    }

    private static int[] pixels(WebElement element) throws IOException {
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(element.getScreenshotAs(OutputType.BYTES)));
        return shot.getRGB(0, 0, shot.getWidth(), shot.getHeight(), null, 0, shot.getWidth());
    }
}
