package camstream;

import camstream.support.BackgroundViewer;
import camstream.support.EmbeddedCamstream;
import camstream.support.Jpeg;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static camstream.support.BackgroundViewer.assertMaxGap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-viewer options in the packaged WAR: a smaller size or another quality is encoded once per frame
 * for all who ask for it and dropped when the last leaves; a frame rate cap holds for its viewer only,
 * and every viewer, whatever it asked for, receives a part at least about once a second.
 */
class VariantsIT {

    private static final String CAM = "pattern";
    @RegisterExtension
    static final EmbeddedCamstream server = new EmbeddedCamstream(Map.ofEntries(
            Map.entry("camstream.cameras", CAM + ",limited,broken"),
            Map.entry("camstream.camera." + CAM + ".source", "test-pattern"),
            Map.entry("camstream.camera." + CAM + ".fps", "20"),
            Map.entry("camstream.camera.limited.source", "test-pattern"),
            Map.entry("camstream.camera.limited.width", "320"),
            Map.entry("camstream.camera.limited.height", "240"),
            Map.entry("camstream.camera.limited.fps", "10"),
            Map.entry("camstream.camera.limited.maxVariants", "1"),
            Map.entry("camstream.camera.broken.source", "file:/nonexistent-camstream-folder/img%03d.jpg"),
            Map.entry("camstream.camera.broken.width", "320"),
            Map.entry("camstream.camera.broken.height", "240")));
    private static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void twoViewersOfA320WideVariantShareOneEncodePerFrameAndTheVariantGoesWithTheLastOfThem() throws Exception {
        Metrics metrics = server.metrics();
        try (BackgroundViewer main = BackgroundViewer.open(server.uri("stream/" + CAM))) {
            assertEquals("640x480", Jpeg.size(main.await(1, 15).body()));
            assertEncodesPerCapture(1, "the main stream alone");
            try (BackgroundViewer a = BackgroundViewer.open(server.uri("stream/" + CAM + "?width=320"));
                 BackgroundViewer b = BackgroundViewer.open(server.uri("stream/" + CAM + "?width=320"))) {
                assertEquals(1, metrics.get("camstream_variants", CAM));
                for (BackgroundViewer v : List.of(a, b)) {
                    MjpegStream.Part p = v.await(3, 15);
                    assertEquals("320x240", Jpeg.size(p.body()));
                    assertEquals("image/jpeg", p.header("Content-Type"));
                }
                assertEncodesPerCapture(2, "the main stream and one variant for two viewers");
                assertEquals(3, metrics.get("camstream_viewers", CAM));
            }
            metrics.await("camstream_variants", CAM, v -> v == 0, Duration.ofSeconds(10));
            metrics.await("camstream_viewers", CAM, v -> v == 1, Duration.ofSeconds(10));
            assertEncodesPerCapture(1, "after the variant's last viewer left");
        }
    }

    @Test
    void aSnapshotMayAskForASizeAndAQuality() throws Exception {
        HttpResponse<byte[]> small = snapshot("snapshot/" + CAM + "?height=120&quality=10");
        assertEquals(200, small.statusCode());
        assertEquals("160x120", Jpeg.size(small.body()));
        HttpResponse<byte[]> fine = snapshot("snapshot/" + CAM + "?height=120&quality=95");
        assertEquals("160x120", Jpeg.size(fine.body()));
        assertTrue(small.body().length * 2 < fine.body().length,
                "quality 10: " + small.body().length + " bytes, quality 95: " + fine.body().length);
        // A size the camera does not exceed is its own picture.
        assertEquals("640x480", Jpeg.size(snapshot("snapshot/" + CAM + "?width=4000").body()));
    }

    @Test
    void aViewerCappedAt5FpsGetsAbout5NewPicturesASecondWhileAnotherGetsThemAll() throws Exception {
        try (BackgroundViewer all = BackgroundViewer.open(server.uri("stream/" + CAM));
             BackgroundViewer capped = BackgroundViewer.open(server.uri("stream/" + CAM + "?fps=5&width=320"))) {
            capped.await(2, 15);
            all.await(2, 15);
            long from = System.nanoTime();
            all.await(all.parts().size() + 60, 20);
            double seconds = (System.nanoTime() - from) / 1e9;
            double sourceFps = all.partsSince(from).size() / seconds;
            List<MjpegStream.Part> got = capped.partsSince(from);
            double cappedFps = pictures(got) / seconds;
            assertTrue(cappedFps <= 5.0 + 1 / seconds, "capped at 5 fps, got " + cappedFps + " over " + seconds + " s");
            assertTrue(cappedFps >= 0.7 * Math.min(5, sourceFps), "capped at 5 fps, got only " + cappedFps
                    + " while the camera gave " + sourceFps);
            assertEquals("320x240", Jpeg.size(got.get(got.size() - 1).body()));
        }
    }

    @Test
    void aViewerCappedAtHalfAFramePerSecondStillReceivesAPartAboutEverySecond() throws Exception {
        try (BackgroundViewer slow = BackgroundViewer.open(server.uri("stream/" + CAM + "?fps=0.5"))) {
            slow.await(1, 15);
            long from = System.nanoTime();
            slow.await(slow.parts().size() + 8, 20);
            double seconds = (System.nanoTime() - from) / 1e9;
            List<MjpegStream.Part> got = slow.partsSince(from);
            long pictures = pictures(got);
            assertTrue(pictures <= seconds * 0.5 + 1.5, pictures + " pictures in " + seconds + " s at fps=0.5");
            assertTrue(pictures >= 2, "the picture did not change in " + seconds + " s");
            assertMaxGap(got, from, 1.5);
        }
        // It left: the keep-alive's next write fails, and it is gone within a few seconds, not minutes.
        long left = System.nanoTime();
        server.metrics().await("camstream_viewers", CAM, n -> n == 0, Duration.ofSeconds(10));
        double seconds = (System.nanoTime() - left) / 1e9;
        assertTrue(seconds < 4, "a viewer at fps=0.5 that left was noticed after " + seconds + " s");
    }

    @Test
    void badParametersAreA400WithOneLineNamingTheParameterAndItsRange() throws Exception {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("fps=0", "bad parameter fps='0': a number of frames per second from 0.1 to 240"),
                Map.entry("fps=abc", "bad parameter fps='abc': a number of frames per second from 0.1 to 240"),
                Map.entry("fps=1e3", "bad parameter fps='1e3': a number of frames per second from 0.1 to 240"),
                Map.entry("fps=241", "bad parameter fps='241': a number of frames per second from 0.1 to 240"),
                Map.entry("width=10", "bad parameter width='10': a whole number of pixels from 16 to 7680"),
                Map.entry("width=", "bad parameter width='': a whole number of pixels from 16 to 7680"),
                Map.entry("width=-320", "bad parameter width='-320': a whole number of pixels from 16 to 7680"),
                Map.entry("height=99999", "bad parameter height='99999': a whole number of pixels from 16 to 4320"),
                Map.entry("quality=0", "bad parameter quality='0': a whole number from 1 to 100 (JPEG quality)"),
                Map.entry("quality=101", "bad parameter quality='101': a whole number from 1 to 100 (JPEG quality)"),
                Map.entry("quality=%3Cb%3E", "bad parameter quality='?b?': a whole number from 1 to 100 (JPEG quality)"),
                Map.entry("width=320&width=160", "bad parameter width: given 2 times; give it once"));
        for (String path : List.of("stream/" + CAM, "snapshot/" + CAM)) {
            for (Map.Entry<String, String> c : cases.entrySet()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri(path + "?" + c.getKey()))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(400, r.statusCode(), path + "?" + c.getKey());
                assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
                assertEquals(c.getValue() + "\n", r.body().replace("\r\n", "\n"), path + "?" + c.getKey());
            }
        }
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(server.uri("stream/" + CAM + "?fps=0"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, head.statusCode());
        assertEquals(0, server.metrics().get("camstream_variants", CAM), "no variant was made for a refused request");
    }

    @Test
    void aCameraMakesNoMoreVariantsThanItsLimitAndSaysWhichOnesItMakes() throws Exception {
        Metrics metrics = server.metrics();
        try (BackgroundViewer v = BackgroundViewer.open(server.uri("stream/limited?width=160"))) {
            assertEquals("160x120", Jpeg.size(v.await(1, 15).body()));
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.uri("stream/limited?quality=50"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode());
            assertEquals("camera 'limited' makes at most 1 variant (other sizes or qualities) at once"
                    + " (camstream.maxVariants); in use: width=160; ask for one of those or for the camera's own",
                    refused.body().strip());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            // The one in use, asked for again, and the camera's own size are served.
            assertEquals("160x120", Jpeg.size(snapshot("snapshot/limited?width=160").body()));
            assertEquals("320x240", Jpeg.size(snapshot("snapshot/limited?width=320&quality=80").body()));
            assertEquals(1, metrics.get("camstream_variants", "limited"));
        }
        metrics.await("camstream_variants", "limited", n -> n == 0, Duration.ofSeconds(10));
        try (MjpegStream s = MjpegStream.open(server.uri("stream/limited?quality=50"))) {
            assertEquals("320x240", Jpeg.size(s.next().body()));
        }
    }

    @Test
    void aVariantsViewerGetsTheNoSignalPlaceholderAtItsSizeAboutEverySecond() throws Exception {
        try (BackgroundViewer v = BackgroundViewer.open(server.uri("stream/broken?width=160&fps=0.5"))) {
            v.await(1, 15);
            long from = System.nanoTime();
            v.await(v.parts().size() + 4, 15);
            List<MjpegStream.Part> got = v.partsSince(from);
            for (MjpegStream.Part p : got) {
                assertEquals("160x120", Jpeg.size(p.body()));
            }
            assertMaxGap(got, from, 1.5);
        }
        assertEquals("no-signal", server.metrics().state("broken"));
    }

    private static void assertEncodesPerCapture(double expected, String what) throws Exception {
        double perCapture = server.metrics().encodesPerCapture(CAM, 40, Duration.ofSeconds(20));
        assertTrue(Math.abs(perCapture - expected) <= 0.1, what + ": " + perCapture + " encodes per captured picture, not "
                + expected);
    }

    /** Distinct pictures (capture times) among {@code parts}: a re-sent picture has the time it had. */
    private static long pictures(List<MjpegStream.Part> parts) {
        return parts.stream().mapToLong(MjpegStream.Part::timestampMicros).distinct().count();
    }

    private static HttpResponse<byte[]> snapshot(String path) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(15))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), path + ": " + new String(r.body()));
        return r;
    }
}
