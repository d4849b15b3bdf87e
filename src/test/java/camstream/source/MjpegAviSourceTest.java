package camstream.source;

import camstream.NativeOpenCv;
import camstream.it.support.Await;
import camstream.support.LogCapture;
import camstream.support.TestMedia;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static camstream.source.ImageSequenceSourceTest.camera;
import static camstream.source.ImageSequenceSourceTest.play;
import static camstream.source.ImageSequenceSourceTest.twice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MjpegAviSourceTest {

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

    private FrameSource avi() {
        FrameSource s = Sources.create(camera("file:" + dir.resolve("clip.avi")));
        assertInstanceOf(MjpegAviSource.class, s);
        return s;
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void anAviPlaysInOrderAndLoopsAtItsFrameRate() throws Exception {
        TestMedia.writeAvi(dir.resolve("clip.avi"), 10, 25);
        FrameSource s = avi();
        s.open();
        assertEquals(twice(range(0, 10)), play(s, 20));
        assertEquals(25, s.pacingFps(), 0.001);
        assertEquals("file clip.avi", s.describe());
        assertEquals(List.of(), log.warnings());
        s.close();
    }

    @Test
    void anAviCutShortPlaysEveryWholeFrameItHasAndSaysSoOnce() throws Exception {
        Path file = dir.resolve("clip.avi");
        TestMedia.writeAvi(file, 90, 25);
        byte[] whole = Files.readAllBytes(file);
        // Cut inside frame 29, about a third in: no idx1, and a last chunk cut short.
        int cut = TestMedia.framePayloads(whole).get(29) + 100;
        assertTrue(Math.abs(cut - whole.length / 3) < whole.length / 10, cut + " of " + whole.length);
        Files.write(file, Arrays.copyOf(whole, cut));
        FrameSource s = avi();
        s.open();
        assertEquals(twice(range(0, 29)), play(s, 2 * 29));
        assertEquals(range(0, 29), play(s, 29));
        List<String> warnings = log.warnings();
        assertEquals(1, warnings.size(), "logged once, not per loop: " + warnings);
        assertTrue(warnings.get(0).contains("clip.avi") && warnings.get(0).contains("cut short"), warnings.get(0));
        s.close();
    }

    @Test
    void aFrameThatDoesNotDecodeIsSkippedAlone() throws Exception {
        Path file = dir.resolve("clip.avi");
        TestMedia.writeAvi(file, 10, 25);
        byte[] bytes = Files.readAllBytes(file);
        int at = TestMedia.framePayloads(bytes).get(4);
        int size = ByteBuffer.wrap(bytes, at - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        Arrays.fill(bytes, at, at + size, (byte) 'x');
        Files.write(file, bytes);
        FrameSource s = avi();
        s.open();
        List<Integer> good = range(0, 10).stream().filter(n -> n != 4).toList();
        assertEquals(twice(good), play(s, 2 * good.size()));
        assertEquals(List.of("Camera 'test': clip.avi: 1 frame does not decode - playing the 9 frames it can"),
                log.warnings());
        s.close();
    }

    /**
     * A file OpenCV does not write: audio as stream 0, OpenDML's RIFF AVIX continuation, JUNK, ix01
     * and idx1, a LIST rec, odd sizes with their pad bytes, an empty frame and, at the end, a frame
     * claiming 100 MiB.
     */
    @Test
    void openDmlContinuationsOtherStreamsAndOddSizesAreWalked() throws Exception {
        byte[] hdrl = list("LIST", "hdrl",
                chunk("avih", le(40_000), new byte[52]),
                list("LIST", "strl", chunk("strh", ascii("auds"), new byte[52]), chunk("strf", new byte[16])),
                list("LIST", "strl", chunk("strh", ascii("vidsMJPG"), le(0, 0, 0, 1, 25, 0, 5), new byte[20]),
                        chunk("strf", le(40, TestMedia.WIDTH, TestMedia.HEIGHT, 0x180001), ascii("MJPG"), new byte[20])),
                list("LIST", "odml", chunk("dmlh", new byte[248])));
        byte[] movi = list("LIST", "movi",
                chunk("00wb", new byte[5]),
                chunk("01dc", jpeg(0)),
                chunk("ix01", new byte[24]),
                list("LIST", "rec ", chunk("01dc", jpeg(1)), chunk("00wb", new byte[3])),
                chunk("00dc", jpeg(9)), // stream 0 is audio: not a frame
                chunk("01db", jpeg(2)));
        byte[] avix = list("LIST", "movi", chunk("01dc", jpeg(3)), chunk("01dc"), chunk("01dc", jpeg(4)));
        byte[] huge = concat(ascii("01dc"), le(100 << 20), new byte[10]);
        Files.write(dir.resolve("clip.avi"), concat(
                list("RIFF", "AVI ", hdrl, chunk("JUNK", new byte[3]), movi, chunk("idx1", new byte[32])),
                list("RIFF", "AVIX", avix), huge));

        FrameSource s = avi();
        s.open();
        assertEquals(twice(range(0, 5)), play(s, 10));
        assertEquals(25, s.pacingFps(), 0.001);
        List<String> warnings = log.warnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("1 frame over 64 MiB"), warnings.get(0));
        s.close();
    }

    @Test
    void aMissingFileIsLookedForAgainAtEveryOpen() throws Exception {
        FrameSource s = avi();
        SourceException e = assertThrows(SourceException.class, s::open);
        assertEquals("no such file: clip.avi", e.getMessage());
        TestMedia.writeAvi(dir.resolve("clip.avi"), 3, 25);
        s.open();
        assertEquals(List.of(0, 1, 2, 0), play(s, 4));
        s.close();
    }

    @Test
    void whatCannotPlaySaysWhyInAFewWords() throws Exception {
        Path file = dir.resolve("clip.avi");
        FrameSource s = avi();
        Files.write(file, new byte[0]);
        assertEquals("clip.avi is not an AVI file", assertThrows(SourceException.class, s::open).getMessage());
        Files.writeString(file, "RIFF....WAVEfmt ", StandardCharsets.US_ASCII);
        assertEquals("clip.avi is not an AVI file", assertThrows(SourceException.class, s::open).getMessage());

        // Every frame garbage: it opens, and the first pass says there is nothing to show.
        Files.write(file, list("RIFF", "AVI ", list("LIST", "movi", chunk("00dc", ascii("garbage")))));
        s.open();
        assertEquals("clip.avi has no readable frames",
                assertThrows(SourceException.class, () -> s.read(new Mat())).getMessage());
        Files.write(file, list("RIFF", "AVI ",
                list("LIST", "hdrl", list("LIST", "strl", chunk("strh", ascii("vidsH264"), new byte[48]),
                        chunk("strf", le(40, 320, 240, 0x180001), ascii("H264"), new byte[20]))),
                list("LIST", "movi", chunk("00dc", ascii("h264 data")))));
        s.open();
        assertEquals("clip.avi has no readable frames (its video is H264, not MJPEG)",
                assertThrows(SourceException.class, () -> s.read(new Mat())).getMessage());

        Files.delete(file);
        Files.createDirectory(file);
        assertEquals("clip.avi is a folder, not an AVI file", assertThrows(SourceException.class, s::open).getMessage());
        s.close();
    }

    /** A read blocked on a FIFO (or a hanging file system) ends when the camera's stop interrupts it. */
    @Test
    @Timeout(30)
    void aReadBlockedOnAFifoEndsWhenTheThreadIsInterrupted() throws Exception {
        Path fifo = dir.resolve("clip.avi");
        boolean made;
        try {
            made = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
        } catch (java.io.IOException e) {
            made = false;
        }
        assumeTrue(made, "mkfifo is not available");
        Path avi = dir.resolve("whole.avi");
        TestMedia.writeAvi(avi, 5, 25);
        byte[] bytes = Files.readAllBytes(avi);
        // The headers and the first two frames, then the writer holds the FIFO open and writes no more.
        byte[] start = Arrays.copyOf(bytes, TestMedia.framePayloads(bytes).get(2) - 8);
        CountDownLatch done = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try (FileChannel out = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap(start));
                done.await();
            } catch (Exception e) {
                // The reader is gone: nothing more to write.
            }
        }, "fifo-writer");
        writer.start();

        AtomicInteger frames = new AtomicInteger();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        FrameSource s = avi();
        Thread reader = new Thread(() -> {
            Mat frame = new Mat();
            try {
                s.open();
                while (true) {
                    s.read(frame);
                    frames.incrementAndGet();
                }
            } catch (Throwable t) {
                ended.set(t);
            } finally {
                s.close();
                frame.release();
            }
        }, "fifo-reader");
        reader.start();
        try {
            Await.until(Duration.ofSeconds(10), "two frames, then a read that waits for more", () -> frames.get() == 2
                    && Arrays.stream(reader.getStackTrace()).anyMatch(f -> f.getClassName().equals("sun.nio.ch.FileChannelImpl")
                    && f.getMethodName().equals("read")));
            reader.interrupt();
            reader.join(5_000);
            assertFalse(reader.isAlive(), "the interrupted read returned");
            assertInstanceOf(SourceException.class, ended.get());
            assertTrue(ended.get().getMessage().startsWith("cannot read clip.avi"), ended.get().getMessage());
        } finally {
            done.countDown();
            writer.join(5_000);
        }
    }

    // ---- A minimal RIFF writer, for files OpenCV does not write ----

    private static byte[] jpeg(int n) {
        byte[] j = TestMedia.encoded(n, CvType.CV_8UC3, ".jpg");
        // An odd size, so that the pad byte after it must be skipped.
        return j.length % 2 == 1 ? j : Arrays.copyOf(j, j.length + 1);
    }

    private static byte[] chunk(String id, byte[]... data) {
        byte[] d = concat(data);
        return concat(ascii(id), le(d.length), d, new byte[d.length & 1]);
    }

    private static byte[] list(String kind, String type, byte[]... children) {
        byte[] c = concat(children);
        return concat(ascii(kind), le(4 + c.length), ascii(type), c);
    }

    private static byte[] le(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
