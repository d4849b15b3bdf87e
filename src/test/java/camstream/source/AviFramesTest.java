package camstream.source;

import camstream.record.AviWriter;
import camstream.support.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A recording's pictures as stored, read in order and skipped to, for playing it back. */
class AviFramesTest {

    @TempDir
    Path dir;

    @Test
    void thePicturesComeAsStoredInOrderAndSkippingReadsOnlyTheOneLandedOn() throws Exception {
        Path file = dir.resolve("r.avi");
        List<byte[]> jpegs = write(file, 12, true);
        try (AviFrames f = AviFrames.open(file)) {
            assertEquals(12.5, f.fps(), 0.001);
            assertEquals(0, f.index());
            assertArrayEquals(jpegs.get(0), Arrays.copyOf(f.jpeg(), f.length()));
            assertTrue(f.skip(5));
            assertEquals(5, f.index());
            assertArrayEquals(jpegs.get(5), Arrays.copyOf(f.jpeg(), f.length()));
            assertTrue(f.next());
            assertArrayEquals(jpegs.get(6), Arrays.copyOf(f.jpeg(), f.length()));
            assertTrue(f.skip(5));
            assertEquals(11, f.index());
            assertFalse(f.next());
            assertArrayEquals(jpegs.get(11), Arrays.copyOf(f.jpeg(), f.length()), "the last picture is still held");
        }
    }

    @Test
    void aFileStillBeingWrittenPlaysToItsLastFlushedPicture() throws Exception {
        Path file = dir.resolve("live.avi");
        AviWriter w = AviWriter.create(file, TestMedia.WIDTH, TestMedia.HEIGHT, 10);
        List<byte[]> jpegs = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                byte[] jpeg = TestMedia.encoded(i, CvType.CV_8UC3, ".jpg");
                w.write(jpeg, jpeg.length);
                jpegs.add(jpeg);
            }
            w.flush();
            try (AviFrames f = AviFrames.open(file)) {
                assertFalse(f.skip(10), "ten pictures on is past the end");
                assertEquals(3, f.index());
                assertArrayEquals(jpegs.get(3), Arrays.copyOf(f.jpeg(), f.length()), "the last picture is held");
                assertFalse(f.next());
                assertArrayEquals(jpegs.get(3), Arrays.copyOf(f.jpeg(), f.length()), "and still held");
            }
        } finally {
            w.close();
        }
    }

    @Test
    void aPictureCutShortByTheEndOfTheFileIsNotShownTheOneBeforeIs() throws Exception {
        Path file = dir.resolve("cut.avi");
        AviWriter w = AviWriter.create(file, TestMedia.WIDTH, TestMedia.HEIGHT, 10);
        List<byte[]> jpegs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] jpeg = TestMedia.encoded(i, CvType.CV_8UC3, ".jpg");
            w.write(jpeg, jpeg.length);
            jpegs.add(jpeg);
        }
        w.flush();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - jpegs.get(3).length / 2);
        }
        try (AviFrames f = AviFrames.open(file)) {
            assertFalse(f.skip(3));
            assertEquals(2, f.index());
            assertArrayEquals(jpegs.get(2), Arrays.copyOf(f.jpeg(), f.length()));
        }
        w.close();
    }

    @Test
    void aFileThatIsNoAviOrHoldsNoPictureOpensAsNone() throws Exception {
        Path text = Files.writeString(dir.resolve("x.avi"), "not an AVI at all");
        assertNull(AviFrames.open(text));
        Path empty = dir.resolve("empty.avi");
        AviWriter.create(empty, TestMedia.WIDTH, TestMedia.HEIGHT, 10).close();
        assertNull(AviFrames.open(empty));
    }

    private static List<byte[]> write(Path file, int n, boolean close) throws Exception {
        List<byte[]> jpegs = new ArrayList<>();
        AviWriter w = AviWriter.create(file, TestMedia.WIDTH, TestMedia.HEIGHT, 12.5);
        for (int i = 0; i < n; i++) {
            byte[] jpeg = TestMedia.encoded(i, CvType.CV_8UC3, ".jpg");
            w.write(jpeg, jpeg.length);
            jpegs.add(jpeg);
        }
        if (close) {
            w.close();
        }
        return jpegs;
    }
}
