package camstream;

import camstream.it.support.Await;
import camstream.support.EmbeddedCamstream;
import camstream.support.Jpeg;
import camstream.support.MjpegStream;
import camstream.support.TestMedia;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-camera rotation, flip and timestamp overlay, in the packaged WAR: a picture that shows which way
 * up it is (red, green / blue, white) comes out turned and mirrored as set, in the stream, the
 * snapshot and the variants, which are made from the transformed picture.
 */
class TransformsIT {

    /** Camera id → its transform settings, and the quadrants it shows (top left, top right, bottom left, bottom right). */
    private static final Map<String, String[]> CAMERAS = new LinkedHashMap<>();

    static {
        CAMERAS.put("plain", new String[] {"", "RGBW"});
        CAMERAS.put("rot90", new String[] {"rotate=90", "BRWG"});
        CAMERAS.put("rot180", new String[] {"rotate=180", "WBGR"});
        CAMERAS.put("rot270", new String[] {"rotate=270", "GWRB"});
        CAMERAS.put("mirror", new String[] {"flip=horizontal", "GRWB"});
        CAMERAS.put("upside", new String[] {"flip=vertical", "BWRG"});
        CAMERAS.put("both", new String[] {"flip=both", "WBGR"});
        CAMERAS.put("rot90mirror", new String[] {"rotate=90,flip=horizontal", "RBGW"});
    }

    @TempDir
    static Path dir;
    private static EmbeddedCamstream server;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path quad = Files.createDirectories(dir.resolve("quad"));
        TestMedia.writeQuadrants(quad.resolve("quad1.jpg"));
        Path grey = Files.createDirectories(dir.resolve("grey"));
        TestMedia.writeFlat(grey.resolve("grey1.jpg"), 128);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camstream.cameras", String.join(",", CAMERAS.keySet()) + ",stamped");
        settings.put("camstream.fps", "5");
        for (Map.Entry<String, String[]> c : CAMERAS.entrySet()) {
            settings.put("camstream.camera." + c.getKey() + ".source", "file:" + quad.resolve("quad%d.jpg"));
            for (String s : c.getValue()[0].split(",")) {
                if (!s.isEmpty()) {
                    String[] kv = s.split("=");
                    settings.put("camstream.camera." + c.getKey() + "." + kv[0], kv[1]);
                }
            }
        }
        settings.put("camstream.camera.stamped.source", "file:" + grey.resolve("grey%d.jpg"));
        settings.put("camstream.camera.stamped.overlay", "timestamp");
        settings.put("camstream.camera.stamped.overlayFormat", "HH:mm:ss.SSS");
        server = EmbeddedCamstream.start(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eachCameraTurnsAndMirrorsItsPictureAsSet() throws Exception {
        for (Map.Entry<String, String[]> c : CAMERAS.entrySet()) {
            String id = c.getKey();
            boolean quarter = c.getValue()[0].contains("rotate=90") || c.getValue()[0].contains("rotate=270");
            byte[] jpeg = snapshot("snapshot/" + id);
            assertEquals(quarter ? "240x320" : "320x240", Jpeg.size(jpeg), id);
            assertEquals(c.getValue()[1], TestMedia.quadrants(jpeg), id + " (" + c.getValue()[0] + ")");
        }
    }

    @Test
    void theStreamAndItsVariantsShowTheTurnedPicture() throws Exception {
        try (MjpegStream main = MjpegStream.open(server.uri("stream/rot90"));
             MjpegStream small = MjpegStream.open(server.uri("stream/rot90?width=120"))) {
            byte[] big = main.next().body();
            assertEquals("240x320", Jpeg.size(big));
            assertEquals("BRWG", TestMedia.quadrants(big));
            byte[] variant = small.next().body();
            assertEquals("120x160", Jpeg.size(variant));
            assertEquals("BRWG", TestMedia.quadrants(variant));
        }
        byte[] snap = snapshot("snapshot/rot90mirror?height=80");
        assertEquals("60x80", Jpeg.size(snap));
        assertEquals("RBGW", TestMedia.quadrants(snap));
    }

    @Test
    void theTimestampOverlayIsDrawnInTheBottomLeftAndTicks() throws Exception {
        byte[] first = snapshot("snapshot/stamped");
        Mat m = Jpeg.decode(first);
        try {
            int w = m.cols();
            int h = m.rows();
            assertEquals(0, marked(m.submat(0, h / 2, 0, w)), "the top half is the flat grey picture");
            assertEquals(0, marked(m.submat(h / 2, h, w * 3 / 4, w)), "the bottom right too");
            int text = marked(m.submat(h - 40, h, 0, w / 2));
            assertTrue(text > 200, "only " + text + " pixels of text in the bottom left");
        } finally {
            m.release();
        }
        // The time it shows is the capture time: a later picture shows another.
        Await.until(Duration.ofSeconds(10), "the overlay to change", () -> {
            byte[] later = snapshot("snapshot/stamped");
            return !Arrays.equals(bottomLeft(first), bottomLeft(later));
        });
    }

    /** Pixels far from the flat grey 128: light text or its dark outline. */
    private static int marked(Mat region) {
        Mat diff = new Mat();
        Mat mask = new Mat();
        try {
            Core.absdiff(region, new Scalar(128, 128, 128), diff);
            Core.inRange(diff, new Scalar(60, 60, 60), new Scalar(255, 255, 255), mask);
            return Core.countNonZero(mask);
        } finally {
            diff.release();
            mask.release();
        }
    }

    /** The overlay region's pixels, coarsely: JPEG noise does not count, a changed digit does. */
    private static byte[] bottomLeft(byte[] jpeg) {
        Mat m = Jpeg.decode(jpeg);
        try {
            Mat region = m.submat(m.rows() - 40, m.rows(), 0, m.cols() / 2);
            Mat mask = new Mat();
            Core.inRange(region, new Scalar(200, 200, 200), new Scalar(255, 255, 255), mask);
            byte[] bits = new byte[(int) mask.total()];
            mask.get(0, 0, bits);
            mask.release();
            return bits;
        } finally {
            m.release();
        }
    }

    private static byte[] snapshot(String path) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(15))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), path + ": " + new String(r.body()));
        return r.body();
    }
}
