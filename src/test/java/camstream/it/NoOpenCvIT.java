package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.ServletContainer;
import camstream.it.support.Tomcat;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WAR whose OpenCV has no native library for this machine (as one built for another platform), in
 * Tomcat 11 beside a whole camstream it relays: it starts, says once what it cannot do, shows the
 * relay's pictures as they come, tells the test pattern's viewers why there is nothing, and answers
 * /status and /metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoOpenCvIT {

    private Tomcat tomcat;

    @BeforeAll
    void start() throws IOException {
        tomcat = new Tomcat(Tomcat.TOMCAT_11, "no-opencv");
        Path war = withoutOpenCvNatives(ServletContainer.war(), tomcat.base().resolve("camstream-no-natives.war"));
        // The upstream is a whole camstream at /upstream, with the settings' default camera (the test pattern here).
        tomcat.contextParameters(Map.of("camstream.cameras", "relay,pattern",
                "camstream.camera.relay.source", "http://127.0.0.1:" + tomcat.port() + "/upstream/stream/default",
                "camstream.camera.pattern.source", "test-pattern"));
        tomcat.deploy(ServletContainer.war(), "upstream.war").deploy(war).start(Map.of("camstream.fps", "10"));
        tomcat.awaitReady("/");
    }

    @AfterAll
    void stop() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void statusSaysOpenCvDidNotLoadAndWhichCamerasNeedIt() throws Exception {
        HttpResponse<String> r = tomcat.get("/status");
        assertEquals(200, r.statusCode());
        JsonObject status = JsonParser.parseString(r.body()).getAsJsonObject();
        String opencv = status.getAsJsonObject("nativeLibraries").get("opencv").getAsString();
        assertTrue(opencv.matches("not loaded: OpenCV native library for linux/\\S+ is missing from the WAR; it was built for"
                + " another platform \\(README: -Dcamstream.platform\\)"), opencv);
        JsonObject pattern = status.getAsJsonArray("cameras").get(1).getAsJsonObject();
        assertEquals("misconfigured", pattern.get("state").getAsString());
        assertEquals("this camera's source (test-pattern) needs OpenCV, which did not load: " + opencv.substring(12),
                pattern.get("reason").getAsString());
        assertEquals(1, tomcat.log().lines().filter(l -> l.contains("OpenCV did not load")).count(), tomcat.tail());
        assertEquals(200, tomcat.get("/metrics").statusCode());
        assertEquals(200, tomcat.get("/").statusCode());
    }

    @Test
    void aRelaysPicturesPassThroughAsTheyCome() throws Exception {
        Metrics metrics = new Metrics(tomcat.url("/metrics"));
        try (MjpegStream relay = MjpegStream.open(tomcat.url("/stream/relay"))) {
            MjpegStream.Part part = relay.next();
            Await.until(Duration.ofSeconds(20), "live pictures through the relay", () -> {
                MjpegStream.Part p = relay.next();
                return p.header("X-Timestamp") != null && metrics.get("camstream_source_open", "relay") == 1;
            });
            for (int i = 0; i < 10; i++) {
                part = relay.next();
            }
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(part.body()));
            assertNotNull(image);
            assertEquals(640, image.getWidth());
        }
        assertEquals(0, metrics.get("camstream_frames_encoded_total", "relay"), "nothing decoded or encoded");
        HttpResponse<String> smaller = tomcat.get("/stream/relay?width=320");
        assertEquals(503, smaller.statusCode());
        assertTrue(smaller.body().contains("OpenCV did not load"), smaller.body());
    }

    @Test
    void theTestPatternsViewersGetAPictureEverySecondAndThePageSaysWhy() throws Exception {
        try (MjpegStream pattern = MjpegStream.open(tomcat.url("/stream/pattern"))) {
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                MjpegStream.Part p = pattern.next();
                assertNotNull(ImageIO.read(new ByteArrayInputStream(p.body())), "a JPEG");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 4, "3 pictures took " + seconds + " s");
        }
        String page = tomcat.get("/").body();
        assertTrue(page.contains("needs OpenCV, which did not load"), page);
        List<String> severe = tomcat.log().lines().filter(l -> l.contains("SEVERE") || l.startsWith("\tat ")).toList();
        assertEquals(List.of(), severe, "no error and no stack trace:\n" + tomcat.tail());
        assertFalse(tomcat.log().contains("Watching camera"), tomcat.tail());
    }

    /** {@code war} with the natives taken out of its OpenCV jar: the classes load, the library does not. */
    private static Path withoutOpenCvNatives(Path war, Path target) throws IOException {
        try (ZipFile in = new ZipFile(war.toFile()); OutputStream file = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                ZipEntry e = entries.nextElement();
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream data = in.getInputStream(e)) {
                    if (e.getName().matches("WEB-INF/lib/camstream-opencv-.*\\.jar")) {
                        out.write(withoutNatives(data));
                    } else {
                        data.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }
        return target;
    }

    private static byte[] withoutNatives(InputStream jar) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(jar); ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().startsWith("nu/pattern/opencv/") && !e.getName().endsWith(".class")) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
