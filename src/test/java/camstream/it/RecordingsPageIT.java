package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.RecordingFiles;
import camstream.it.support.TomcatWithBrowser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recordings page in headless Chromium over Tomcat 11 (RecordingsIT has embedded Jetty), with an fMP4 and an MJPEG AVI laid in
 * the recordings directory as the recorder writes them: it lists them, plays and seeks each, and shows
 * the server's answer when a delete is not allowed (camera {@code back} has a token, so a local page may
 * not change recordings without the control token).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingsPageIT {

    private static final Path DIR = tempDir();
    private static final Instant MP4_START = Instant.parse("2026-12-07T18:00:00Z");
    private static final Instant AVI_START = Instant.parse("2026-12-07T18:10:00Z");

    @RegisterExtension
    static final TomcatWithBrowser page = new TomcatWithBrowser("recordings-page", Map.of(
            "camstream.cameras", "front,back",
            "camstream.camera.back.token", "page-s3cret",
            "camstream.recordings", DIR.toString()));

    private ChromeDriver browser;

    @BeforeAll
    void start() throws Exception {
        RecordingFiles.mp4(DIR, "front", MP4_START, "motion", 8);
        RecordingFiles.avi(DIR, "front", AVI_START, "manual", 50, 12.5);
        browser = page.browser();
    }

    @Test
    void thePageListsTheRecordingsNewestFirstAndPlaysTheMp4WhoseTimeAdvances() throws Exception {
        open();
        List<WebElement> items = browser.findElements(By.cssSelector("[data-camera='front'] li.recording"));
        assertEquals(2, items.size());
        assertTrue(items.get(0).getAttribute("data-url").endsWith("-manual.avi"));
        assertTrue(items.get(1).getAttribute("data-url").endsWith("-motion.mp4"));
        assertTrue(items.get(1).getText().contains("8 s"), items.get(1).getText());

        play("mp4");
        Await.until(Duration.ofSeconds(15), "the mp4's currentTime past 1 s", () -> number("return document.querySelector('.player video').currentTime") > 1);
        double at = number("return document.querySelector('.player video').currentTime");
        Await.until(Duration.ofSeconds(5), "the mp4's currentTime to advance from " + at,
                () -> number("return document.querySelector('.player video').currentTime") > at + 1);
    }

    @Test
    void seekingTheMp4PlaysOnFromTheTimeSought() throws Exception {
        open();
        play("mp4");
        Await.until(Duration.ofSeconds(15), "the mp4 playing", () -> number("return document.querySelector('.player video').currentTime") > 0.2);
        browser.executeScript("document.querySelector('.player video').currentTime = 6");
        Await.until(Duration.ofSeconds(10), "the mp4 at 6 s after seeking", () -> {
            double t = number("return document.querySelector('.player video').currentTime");
            return t >= 6 && t < 7.5 && !(Boolean) browser.executeScript("return document.querySelector('.player video').seeking");
        });
        Await.until(Duration.ofSeconds(5), "the mp4 playing on from 6 s", () -> number("return document.querySelector('.player video').currentTime") > 6.5);
    }

    @Test
    void anAviPlaysInThePictureAndItsSeekBarMovesThePlayback() throws Exception {
        open();
        play("avi");
        String img = "document.querySelector('.player .avi img')";
        Await.until(Duration.ofSeconds(10), "the avi's pictures", () -> number("return " + img + ".naturalWidth") == 320);
        assertEquals(4.0, number("return Number(document.querySelector('.player .seek').max)"), 0.001);
        browser.executeScript("var s = document.querySelector('.player .seek'); s.value = 2;"
                + "s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change'));");
        String src = (String) browser.executeScript("return " + img + ".src");
        assertTrue(src.endsWith("?play&at=2.00"), src);
        Await.until(Duration.ofSeconds(10), "pictures from 2 s", () -> number("return " + img + ".naturalWidth") == 320);
        Files.write(Files.createDirectories(Path.of("target", "browser")).resolve("recordings-page-avi.png"),
                browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    @Test
    void aDeleteThatIsNotAllowedShowsTheServersAnswerAndKeepsTheRecording() throws Exception {
        open();
        play("avi");
        WebElement delete = browser.findElement(By.cssSelector(".player button.delete"));
        delete.click();
        assertEquals("really delete?", delete.getText());
        delete.click();
        WebElement answer = browser.findElement(By.cssSelector(".player .answer"));
        Await.until(Duration.ofSeconds(10), "the server's answer", () -> !answer.getText().isEmpty());
        assertTrue(answer.getText().startsWith("403: changing recordings needs"), answer.getText());
        assertEquals(2, browser.findElements(By.cssSelector("[data-camera='front'] li.recording")).size());
    }

    @Test
    void theIndexPageLinksEachRecordingCameraToItsRecordings() {
        browser.get(page.tomcat().url("/").toString());
        WebElement link = browser.findElement(By.cssSelector("[data-camera='front'] a.recordings"));
        link.click();
        Await.until(Duration.ofSeconds(15), "the recordings listed",
                () -> browser.findElements(By.cssSelector("[data-camera='front'] li.recording")).size() == 2);
        assertTrue(browser.getCurrentUrl().endsWith("/recordings.jsp?camera=front"), browser.getCurrentUrl());
    }

    @Test
    void theRecordButtonShowsTheServersAnswer() throws Exception {
        open();
        browser.findElement(By.cssSelector("[data-camera='front'] button[data-control='record'][data-action='start']")).click();
        WebElement answer = browser.findElement(By.cssSelector("[data-camera='front'] .controls .answer"));
        Await.until(Duration.ofSeconds(10), "the server's answer", () -> !answer.getText().isEmpty());
        assertTrue(answer.getText().startsWith("403: changing recordings needs"), answer.getText());
    }

    private void open() {
        browser.get(page.tomcat().url("/recordings.jsp?camera=front").toString());
        Await.until(Duration.ofSeconds(15), "the recordings listed",
                () -> browser.findElements(By.cssSelector("[data-camera='front'] li.recording")).size() == 2);
    }

    private void play(String format) {
        browser.findElement(By.cssSelector("[data-camera='front'] li.recording[data-url$='." + format + "'] button.play")).click();
    }

    private double number(String script) {
        Object v = browser.executeScript(script);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("camstream-recordings-page");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
