package camstream;

import camstream.support.BackgroundViewer;
import camstream.support.EmbeddedCamstream;
import camstream.support.Jpeg;
import camstream.support.MjpegStream;
import camstream.support.TestMedia;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static camstream.support.BackgroundViewer.assertMaxGap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A static scene with {@code dropDuplicates}: a sequence of identical pictures at 10 fps. Viewers get
 * far fewer parts, yet one at least about every second (the keep-alive), a viewer that just arrived
 * gets the picture at once, and a snapshot still answers with a fresh capture.
 */
class DuplicatesIT {

    @TempDir
    static Path dir;
    private static EmbeddedCamstream server;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path seq = Files.createDirectories(dir.resolve("still"));
        for (int i = 0; i < 5; i++) {
            TestMedia.writeJpeg(seq.resolve("still" + i + ".jpg"), 20);
        }
        String source = "file:" + seq.resolve("still%d.jpg");
        server = EmbeddedCamstream.start(Map.of(
                "camstream.cameras", "still,every",
                "camstream.fps", "10",
                "camstream.camera.still.source", source,
                "camstream.camera.still.dropDuplicates", "true",
                "camstream.camera.every.source", source));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aStaticSceneSendsFewerPartsButOneAtLeastAboutEverySecond() throws Exception {
        try (BackgroundViewer still = BackgroundViewer.open(server.uri("stream/still"));
             BackgroundViewer small = BackgroundViewer.open(server.uri("stream/still?width=160"));
             BackgroundViewer every = BackgroundViewer.open(server.uri("stream/every"))) {
            still.await(1, 15);
            small.await(1, 15);
            every.await(1, 15);
            long duplicates = server.metrics().get("camstream_frames_duplicate_total", "still");
            long from = System.nanoTime();
            every.await(every.parts().size() + 40, 20);
            double seconds = (System.nanoTime() - from) / 1e9;
            long dropped = server.metrics().get("camstream_frames_duplicate_total", "still") - duplicates;
            List<MjpegStream.Part> stillParts = still.partsSince(from);
            List<MjpegStream.Part> smallParts = small.partsSince(from);
            int everyParts = every.partsSince(from).size();
            assertTrue(stillParts.size() * 4 < everyParts, stillParts.size() + " parts with dropDuplicates, "
                    + everyParts + " without, in " + seconds + " s");
            assertTrue(dropped >= 30, "only " + dropped + " duplicates dropped in " + seconds + " s at 10 fps");
            assertMaxGap(stillParts, from, 1.5);
            assertMaxGap(smallParts, from, 1.5);
            assertEquals("160x120", Jpeg.size(smallParts.get(0).body()));
            assertEquals(20, TestMedia.number(stillParts.get(0).body()), "the picture");
        }
    }

    @Test
    void aViewerThatJustArrivedAtAStaticSceneGetsThePictureAtOnceAndASnapshotIsFresh() throws Exception {
        try (BackgroundViewer first = BackgroundViewer.open(server.uri("stream/still"))) {
            first.await(3, 15); // the scene has been static for a while
            long opened = System.nanoTime();
            try (MjpegStream late = MjpegStream.open(server.uri("stream/still"))) {
                MjpegStream.Part p = late.next();
                double wait = (p.arrivalNanos() - opened) / 1e9;
                assertTrue(wait < 1.0, "the first part came " + wait + " s after connecting");
                assertEquals(20, TestMedia.number(p.body()));
            }
            long before = System.currentTimeMillis() * 1000;
            HttpResponse<byte[]> snap = http.send(HttpRequest.newBuilder(server.uri("snapshot/still"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, snap.statusCode());
            String[] ts = snap.headers().firstValue("X-Timestamp").orElseThrow().split("\\.");
            long micros = Long.parseLong(ts[0]) * 1_000_000 + Long.parseLong(ts[1]);
            assertTrue(micros >= before - 2_000, "the snapshot was captured after the request, though it is a duplicate");
            assertEquals(20, TestMedia.number(snap.body()));
        }
    }
}
