package camstream;

import camstream.support.EmbeddedCamstream;
import camstream.support.Jpeg;
import camstream.support.LogCapture;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import camstream.support.TestMedia;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files as cameras, in the packaged WAR: an MJPEG AVI and a JPEG sequence as OpenCV writes them, an
 * AVI cut short, and a sequence with every kind of trouble. A viewer sees every good frame in
 * order, round and round, and never a NO SIGNAL placeholder.
 */
class FileSourceIT {

    private static final int FRAMES = 8;
    /** The troubled sequence: starts at 5, a gap from 15 to 19, 12 empty and 22 garbage. */
    private static final List<Integer> MIXED = IntStream.concat(IntStream.rangeClosed(5, 14), IntStream.rangeClosed(20, 34))
            .boxed().toList();
    private static final List<Integer> MIXED_GOOD = MIXED.stream().filter(n -> n != 12 && n != 22).toList();
    /** Frames of the AVI cut short: it is cut inside frame 29. */
    private static final int CUT_FRAMES = 29;

    @TempDir
    static Path dir;
    private static EmbeddedCamstream server;
    private static LogCapture log;

    @BeforeAll
    static void start() throws Exception {
        Path avi = dir.resolve("clip.avi");
        TestMedia.writeAvi(avi, FRAMES, 20);
        Path seq = Files.createDirectories(dir.resolve("seq"));
        for (int i = 0; i < FRAMES; i++) {
            TestMedia.writeJpeg(seq.resolve(String.format("img%03d.jpg", i)), i);
        }

        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        for (int n : MIXED) {
            byte[] image = switch (n) {
                case 7 -> TestMedia.encoded(n, CvType.CV_16UC3, ".png");
                case 9 -> TestMedia.encoded(n, CvType.CV_8UC4, ".png");
                case 11 -> TestMedia.encoded(n, CvType.CV_8UC1, ".jpg");
                case 12 -> new byte[0];
                case 22 -> "garbage, not a picture".getBytes(StandardCharsets.US_ASCII);
                case 25 -> TestMedia.encoded(n, CvType.CV_16UC1, ".png");
                default -> TestMedia.encoded(n, CvType.CV_8UC3, ".jpg");
            };
            Files.write(mixed.resolve(String.format("img%03d.jpg", n)), image);
        }

        Path cut = dir.resolve("cut.avi");
        TestMedia.writeAvi(cut, 90, 20);
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, Arrays.copyOf(whole, TestMedia.framePayloads(whole).get(CUT_FRAMES) + 100));

        log = new LogCapture();
        server = EmbeddedCamstream.start(Map.of(
                "camstream.cameras", "avi,seq,mixed,cut",
                "camstream.fps", "20",
                "camstream.width", "320",
                "camstream.height", "240",
                "camstream.camera.avi.source", "file:" + avi,
                "camstream.camera.seq.source", "file:" + seq + "/img%03d.jpg",
                "camstream.camera.mixed.source", "file:" + mixed + "/img%03d.jpg",
                "camstream.camera.cut.source", "file:" + cut));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (log != null) {
            log.close();
        }
    }

    @Test
    void anMjpegAviPlaysInOrderAndLoops() throws Exception {
        assertPlaysTwiceAroundWithoutAPlaceholder("avi", IntStream.range(0, FRAMES).boxed().toList());
    }

    @Test
    void aJpegSequencePlaysInOrderAndLoops() throws Exception {
        assertPlaysTwiceAroundWithoutAPlaceholder("seq", IntStream.range(0, FRAMES).boxed().toList());
    }

    @Test
    void aSequenceWithOddDepthsGreyAlphaBadFilesAGapAndAnyStartPlaysEveryGoodImage() throws Exception {
        assertPlaysTwiceAroundWithoutAPlaceholder("mixed", MIXED_GOOD);
        List<String> warnings = log.warnings().stream().filter(w -> w.contains("'mixed'")).toList();
        assertEquals(2, warnings.size(), "once per bad file, not per loop: " + warnings);
        assertTrue(warnings.get(0).contains("img012.jpg") && warnings.get(1).contains("img022.jpg"), warnings.toString());
    }

    @Test
    void anAviCutShortPlaysEveryWholeFrameItHas() throws Exception {
        assertPlaysTwiceAroundWithoutAPlaceholder("cut", IntStream.range(0, CUT_FRAMES).boxed().toList());
        List<String> warnings = log.warnings().stream().filter(w -> w.contains("'cut'")).toList();
        assertEquals(1, warnings.size(), "once, not per loop: " + warnings);
        assertTrue(warnings.get(0).contains("cut.avi") && warnings.get(0).contains("cut short"), warnings.get(0));
    }

    /**
     * A viewer may join in the middle of a loop: from the loop's first frame on it must see the
     * loop twice, frame by frame, in order, and the source must never have failed. A frame may be
     * missing only where the encoders were still busy with the one before (a loaded machine): the
     * camera then sends the newest, and counts the one it skipped.
     */
    private static void assertPlaysTwiceAroundWithoutAPlaceholder(String camera, List<Integer> loop) throws Exception {
        Metrics metrics = server.metrics();
        long dropped = metrics.get("camstream_encodes_dropped_total", camera);
        List<Integer> seen = new ArrayList<>();
        List<Integer> before = new ArrayList<>();
        int wraps = 0;
        try (MjpegStream s = MjpegStream.open(server.uri("stream/" + camera))) {
            while (true) {
                MjpegStream.Part p = s.next();
                assertEquals(TestMedia.WIDTH + "x" + TestMedia.HEIGHT, Jpeg.size(p.body()));
                int n = TestMedia.number(p.body());
                int at = loop.indexOf(n);
                assertTrue(at >= 0, "frame " + n + " is one of the loop's " + loop);
                if (seen.isEmpty() && at != 0) {
                    before.add(n);
                    assertTrue(before.size() <= loop.size(), "the loop never started again: " + before);
                    continue;
                }
                if (!seen.isEmpty() && at <= loop.indexOf(seen.get(seen.size() - 1)) && ++wraps == 2) {
                    break;
                }
                seen.add(n);
            }
            assertEquals(0, metrics.get("camstream_source_failing", camera));
            dropped = metrics.get("camstream_encodes_dropped_total", camera) - dropped;
        }
        List<Integer> expected = new ArrayList<>(loop);
        expected.addAll(loop);
        List<Integer> missing = new ArrayList<>(expected);
        for (Integer n : seen) {
            missing.remove(n);
        }
        assertTrue(missing.size() <= dropped, "every good frame in order, twice around (joined at " + before
                + "); missing " + missing + " but the encoders skipped " + dropped + ": " + seen);
        assertEquals(0, metrics.get("camstream_source_failures_total", camera), "the source never failed");
    }
}
