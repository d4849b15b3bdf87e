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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index page in a real headless Chromium, served by Tomcat 11, with JPEG pictures ({@code camstream.pageVideo=jpeg}). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserIT {

    private static final List<String> CAMERAS = List.of("front", "back", "side");

    @RegisterExtension
    static final TomcatWithBrowser page = new TomcatWithBrowser("browser", Map.of(
            "camstream.cameras", String.join(",", CAMERAS),
            "camstream.width", "320", "camstream.height", "240", "camstream.fps", "10", "camstream.pageVideo", "jpeg"));

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

        // Pictures, though this browser plays H.264: the setting says so, and the tile says which, without a reason.
        for (WebElement tile : page.browser().findElements(By.cssSelector(".grid figure.camera"))) {
            assertEquals("JPEG", tile.findElement(By.cssSelector(".codec")).getText());
            assertEquals("", tile.findElement(By.cssSelector("figcaption .why")).getText());
            assertTrue(tile.findElements(By.cssSelector("video")).isEmpty(), "no video player");
        }

        // The grid's script fills in each camera's state and live fps from /status.
        for (WebElement tile : page.browser().findElements(By.cssSelector(".grid figure.camera"))) {
            String id = tile.getAttribute("data-camera");
            Await.until(Duration.ofSeconds(15), "state and fps of " + id + " from /status", () ->
                    tile.findElement(By.cssSelector(".status")).getText().equals("live")
                            && tile.findElement(By.cssSelector(".fps")).getText().matches("\\d+\\.\\d fps"));
            assertEquals(page.tomcat().url("/snapshot/" + id).getPath(),
                    java.net.URI.create(tile.findElement(By.linkText("snapshot")).getAttribute("href")).getPath());
            assertEquals(page.tomcat().url("/view/" + id).getPath(),
                    java.net.URI.create(tile.findElement(By.linkText("full screen")).getAttribute("href")).getPath());
        }

        Path png = Files.createDirectories(Path.of("target", "browser")).resolve("index.png");
        Files.copy(page.browser().getScreenshotAs(OutputType.FILE).toPath(), png, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(png) > 0);
        assertEquals(List.of(), Browser.consoleErrors(page.browser()));
    }

    @Test
    void withJavaScriptOffEveryStreamStillShowsAndMoves() throws Exception {
        org.openqa.selenium.chrome.ChromeDriver noScript = Browser.start(
                Files.createDirectories(page.tomcat().base().resolve("no-script")), false);
        try {
            noScript.get(page.tomcat().url("/").toString());
            List<WebElement> images = noScript.findElements(By.cssSelector("figure.camera img"));
            assertEquals(CAMERAS.size(), images.size());
            for (WebElement img : images) {
                Await.until(Duration.ofSeconds(15), "a picture in " + img.getAttribute("src"),
                        () -> img.getSize().getHeight() > 100);
                int[] before = pixels(img);
                Await.until(Duration.ofSeconds(3), "the picture in " + img.getAttribute("src") + " to change",
                        () -> !Arrays.equals(before, pixels(img)));
            }
            // The page's script fills in the fps within 2 s: it really did not run.
            WebElement fps = noScript.findElement(By.cssSelector("figure.camera .fps"));
            assertFalse(Await.within(Duration.ofSeconds(4), () -> !fps.getText().isEmpty()), "the page's script ran");
            Path png = Files.createDirectories(Path.of("target", "browser")).resolve("index-no-javascript.png");
            Files.copy(noScript.getScreenshotAs(OutputType.FILE).toPath(), png, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            noScript.quit();
        }
    }

    @Test
    void onAPhoneTheGridIsOneColumnAsWideAsTheScreen() throws Exception {
        page.browser().manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            page.browser().get(page.tomcat().url("/").toString());
            List<WebElement> tiles = page.browser().findElements(By.cssSelector(".grid figure.camera"));
            long viewport = (Long) page.browser().executeScript("return document.documentElement.clientWidth");
            long x = tiles.get(0).getRect().getX();
            for (WebElement t : tiles) {
                assertEquals(x, t.getRect().getX(), "one column");
                assertTrue(t.getRect().getWidth() > viewport * 0.8 && t.getRect().getWidth() <= viewport, "as wide as the screen");
            }
            WebElement picture = tiles.get(0).findElement(By.cssSelector("canvas.live"));
            Await.until(Duration.ofSeconds(15), "a picture", () -> width(picture) > 0);
            Path png = Files.createDirectories(Path.of("target", "browser")).resolve("index-phone.png");
            Files.copy(page.browser().getScreenshotAs(OutputType.FILE).toPath(), png, StandardCopyOption.REPLACE_EXISTING);
            assertEquals(List.of(), Browser.consoleErrors(page.browser()));
        } finally {
            page.browser().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1024));
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
