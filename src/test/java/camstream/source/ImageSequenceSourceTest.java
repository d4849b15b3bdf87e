package camstream.source;

import camstream.NativeOpenCv;
import camstream.config.CameraConfig;
import camstream.config.SourceSpec;
import camstream.encode.Pictures;
import camstream.support.LogCapture;
import camstream.support.TestMedia;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageSequenceSourceTest {

    @TempDir
    Path dir;
    private final LogCapture log = new LogCapture();

    @BeforeAll
    static void loadOpenCv() {
        NativeOpenCv.load();
    }

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    static CameraConfig camera(String source) {
        return new CameraConfig("test", "test", SourceSpec.parse(source), TestMedia.WIDTH, TestMedia.HEIGHT, 20, 80,
                List.of());
    }

    /** Reads n frames, checks each is shown as an 8-bit picture of the right size, and returns their numbers. */
    static List<Integer> play(FrameSource source, int n) throws SourceException {
        List<Integer> numbers = new ArrayList<>();
        Mat frame = new Mat();
        Mat scratch = new Mat();
        try {
            for (int i = 0; i < n; i++) {
                source.read(frame);
                Mat shown = Pictures.encodable(frame, scratch);
                assertEquals(CvType.CV_8U, shown.depth(), "frame " + i + " is 8-bit once converted");
                assertEquals(TestMedia.WIDTH + "x" + TestMedia.HEIGHT, shown.cols() + "x" + shown.rows());
                numbers.add(TestMedia.number(shown));
            }
        } finally {
            frame.release();
            scratch.release();
        }
        return numbers;
    }

    static List<Integer> twice(List<Integer> loop) {
        List<Integer> l = new ArrayList<>(loop);
        l.addAll(loop);
        return l;
    }

    private FrameSource sequence() {
        FrameSource s = Sources.create(camera("file:" + dir + "/img%03d.jpg"));
        assertInstanceOf(ImageSequenceSource.class, s);
        return s;
    }

    private void writeJpegs(IntStream numbers) throws IOException {
        for (int n : numbers.toArray()) {
            TestMedia.writeJpeg(dir.resolve(String.format("img%03d.jpg", n)), n);
        }
    }

    @Test
    void anEmptyAndACorruptImageAreSkippedAndEachIsLoggedOnce() throws Exception {
        writeJpegs(IntStream.rangeClosed(1, 30));
        Files.write(dir.resolve("img015.jpg"), new byte[0]);
        Files.writeString(dir.resolve("img020.jpg"), "not a picture at all", StandardCharsets.US_ASCII);
        List<Integer> good = IntStream.rangeClosed(1, 30).filter(n -> n != 15 && n != 20).boxed().toList();
        FrameSource s = sequence();
        s.open();
        assertEquals(twice(good), play(s, 2 * good.size()));

        List<String> warnings = log.warnings();
        assertEquals(2, warnings.size(), "one warning per bad file, not per loop: " + warnings);
        assertTrue(warnings.get(0).contains("img015.jpg") && warnings.get(0).contains("empty"), warnings.get(0));
        assertTrue(warnings.get(1).contains("img020.jpg") && warnings.get(1).contains("decode"), warnings.get(1));
        assertTrue(warnings.stream().noneMatch(w -> w.contains(dir.toString())), "names, not paths: " + warnings);

        // A bad image that changes is tried again.
        TestMedia.writeJpeg(dir.resolve("img015.jpg"), 15);
        List<Integer> mended = IntStream.rangeClosed(1, 30).filter(n -> n != 20).boxed().toList();
        assertEquals(mended, play(s, mended.size()));
        Files.writeString(dir.resolve("img015.jpg"), "broken again", StandardCharsets.US_ASCII);
        assertEquals(twice(good), play(s, 2 * good.size()));
        assertEquals(3, log.warnings().size(), "logged again once it changed: " + log.warnings());
        s.close();
    }

    @Test
    void sixteenBitFourChannelAndGreyImagesPlayAmongEightBitOnes() throws Exception {
        // OpenCV decodes by content, not by name: all are called .jpg, as in a real mixed folder.
        Files.write(dir.resolve("img001.jpg"), TestMedia.encoded(1, CvType.CV_8UC3, ".jpg"));
        Files.write(dir.resolve("img002.jpg"), TestMedia.encoded(2, CvType.CV_16UC3, ".png"));
        Files.write(dir.resolve("img003.jpg"), TestMedia.encoded(3, CvType.CV_8UC4, ".png"));
        Files.write(dir.resolve("img004.jpg"), TestMedia.encoded(4, CvType.CV_8UC1, ".jpg"));
        Files.write(dir.resolve("img005.jpg"), TestMedia.encoded(5, CvType.CV_8UC1, ".png"));
        Files.write(dir.resolve("img006.jpg"), TestMedia.encoded(6, CvType.CV_8UC3, ".png"));
        FrameSource s = sequence();
        s.open();
        assertEquals(twice(List.of(1, 2, 3, 4, 5, 6)), play(s, 12));
        assertEquals(List.of(), log.warnings());
        s.close();
    }

    @Test
    void gapsAreSkippedAndAnyStartNumberWorks() throws Exception {
        writeJpegs(IntStream.concat(IntStream.rangeClosed(5, 10), IntStream.rangeClosed(20, 30)));
        List<Integer> loop = IntStream.concat(IntStream.rangeClosed(5, 10), IntStream.rangeClosed(20, 30)).boxed().toList();
        FrameSource s = sequence();
        s.open();
        assertEquals(twice(loop), play(s, 2 * loop.size()));
        assertEquals(List.of(), log.warnings());
        s.close();
    }

    @Test
    void imagesAddedOrRemovedAreSeenAtTheNextLoop() throws Exception {
        writeJpegs(IntStream.rangeClosed(1, 3));
        FrameSource s = sequence();
        s.open();
        assertEquals(List.of(1, 2, 3), play(s, 3));
        Files.delete(dir.resolve("img002.jpg"));
        writeJpegs(IntStream.of(7));
        assertEquals(List.of(1, 3, 7), play(s, 3));
        s.close();
    }

    @Test
    void onlyTheNamesPrintfWouldWriteFitThePattern() {
        ImageSequenceSource padded = new ImageSequenceSource(camera("test-pattern"), "/data/img%03d.jpg");
        assertEquals(5, padded.number("img005.jpg"));
        assertEquals(1234, padded.number("img1234.jpg"));
        assertEquals(0, padded.number("img000.jpg"));
        for (String no : List.of("img05.jpg", "img0005.jpg", "img005.png", "img00x.jpg", "img.jpg", "img-01.jpg",
                "IMG005.jpg", "img0000000000000000000001.jpg")) {
            assertEquals(-1, padded.number(no), no);
        }
        ImageSequenceSource plain = new ImageSequenceSource(camera("test-pattern"), "%d.png");
        assertEquals(17, plain.number("17.png"));
        assertEquals(0, plain.number("0.png"));
        assertEquals(-1, plain.number("017.png"));
        assertEquals("file %d.png", plain.describe());
        ImageSequenceSource percent = new ImageSequenceSource(camera("test-pattern"), "/x/100%%_%04d.tif");
        assertEquals(42, percent.number("100%_0042.tif"));
        assertEquals("100%_0007.tif", percent.fileName(7));

        assertThrows(IllegalArgumentException.class, () -> new ImageSequenceSource(camera("test-pattern"), "img.jpg"));
        for (String bad : List.of("img%s.jpg", "img%d_%d.jpg", "img%5d.jpg", "50%.jpg")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Sources.create(camera("file:/data/" + bad)), bad);
            assertTrue(e.getMessage().contains("%0Nd"), e.getMessage());
        }
    }

    @Test
    void whenNothingIsReadableTheMessageSaysWhatIsWrongInAFewWords() throws Exception {
        SourceException e = assertThrows(SourceException.class,
                () -> Sources.create(camera("file:" + dir + "/nope/img%03d.jpg")).open());
        assertEquals("no such folder: nope", e.getMessage());

        FrameSource s = sequence();
        e = assertThrows(SourceException.class, s::open);
        assertEquals("no files match img%03d.jpg", e.getMessage());
        // Without a folder the pattern is looked for in the working directory.
        e = assertThrows(SourceException.class, () -> Sources.create(camera("file:img%03d.jpg")).open());
        assertEquals("no files match img%03d.jpg", e.getMessage());

        Files.write(dir.resolve("img001.jpg"), new byte[0]);
        Files.writeString(dir.resolve("img002.jpg"), "garbage", StandardCharsets.US_ASCII);
        Files.createDirectory(dir.resolve("img003.jpg"));
        s.open();
        e = assertThrows(SourceException.class, () -> s.read(new Mat()));
        assertEquals("no readable image among 3 files matching img%03d.jpg", e.getMessage());
        assertEquals(3, log.warnings().size(), log.warnings().toString());
        // Reopened after the backoff: still nothing, and nothing logged again.
        s.open();
        assertThrows(SourceException.class, () -> s.read(new Mat()));
        assertEquals(3, log.warnings().size(), log.warnings().toString());
        assertEquals("file img%03d.jpg", s.describe());
        s.close();
    }
}
