package camstream.record;

import camstream.video.Fmp4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The length of a recording left without its sidecar, from the file: every whole picture counts, whatever
 * the header says, none cut short does, and a file that is none of ours has no length instead of an error.
 */
class MediaLengthTest {

    private static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1F};
    private static final byte[] PPS = {0x68, (byte) 0xCE};

    @TempDir
    Path dir;

    @Test
    void anAviCountsThePicturesWrittenAfterItsLastFlushAndNotOneCutShort() throws Exception {
        Path file = dir.resolve("a.avi");
        AviWriter w = AviWriter.create(file, 64, 48, 12.5);
        try {
            for (int i = 0; i < 10; i++) {
                w.write(new byte[1000 + i], 1000 + i); // odd sizes too, each then padded
            }
            w.flush();
            for (int i = 0; i < 5; i++) {
                w.write(new byte[500 + i], 500 + i); // in the file, not yet in its header: a kill -9 here
            }
            assertLength(15, 1.2, file, "avi");

            truncate(file, 100); // into the last picture
            assertLength(14, 1.12, file, "avi");
        } finally {
            w.close();
        }
    }

    @Test
    void aClosedAviCountsItsPicturesAndNotItsIndex() throws Exception {
        assertLength(7, 0.7, closedAvi(dir.resolve("a.avi"), 7), "avi");
    }

    @Test
    void anMp4CountsItsWholeFragmentsWhereverItWasCut() throws Exception {
        Path file = dir.resolve("a.mp4");
        byte[] sample = {0, 0, 0, 2, 0x65, 0x01}; // one NAL unit after its length, as ours are
        try (Fmp4File f = Fmp4File.create(file, Fmp4.init(64, 48, SPS, PPS, 90_000))) {
            for (int i = 0; i < 20; i++) {
                f.write(Fmp4.fragment(500 + i, 7_000_000L + i * 3_600L, 3_600, i % 10 == 0, sample, 0, sample.length),
                        i % 10 == 0);
            }
        }
        assertLength(20, 0.8, file, "mp4");
        truncate(file, 1); // into the last mdat
        assertLength(19, 0.76, file, "mp4");
        truncate(file, sample.length + 8 - 1); // the last moof without its mdat
        assertLength(19, 0.76, file, "mp4");
        truncate(file, 50); // into the moof
        assertLength(19, 0.76, file, "mp4");
    }

    @Test
    void anEmptyOrGarbageFileHasNoLength() throws Exception {
        byte[] garbage = new byte[10_000];
        new Random(7).nextBytes(garbage);
        for (String format : new String[] {"avi", "mp4"}) {
            Path empty = Files.write(dir.resolve("empty." + format), new byte[0]);
            assertLength(0, 0, empty, format);
            Path noise = Files.write(dir.resolve("noise." + format), garbage);
            assertLength(0, 0, noise, format);
        }
    }

    @Test
    void aChunkOrBoxWhoseSizeLiesEndsTheCountWithoutAnError() throws Exception {
        Path avi = closedAvi(dir.resolve("lies.avi"), 3);
        append(avi, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put("00dc".getBytes()).putInt(0x7ffffff0).array());
        assertLength(3, 0.3, avi, "avi");

        Path mp4 = dir.resolve("lies.mp4");
        byte[] sample = {0, 0, 0, 1, 0x65};
        try (Fmp4File f = Fmp4File.create(mp4, Fmp4.init(64, 48, SPS, PPS, 1000))) {
            f.write(Fmp4.fragment(1, 0, 40, true, sample, 0, sample.length), true);
        }
        byte[] lying = Fmp4.fragment(2, 40, 40, false, sample, 0, sample.length);
        ByteBuffer.wrap(lying).putInt(lying.length - sample.length - 8, 0x7ffffff0); // its mdat's size
        append(mp4, lying);
        assertLength(1, 0.04, mp4, "mp4");
    }

    /** An AVI of {@code pictures} at 10 a second, closed (with its index). */
    private static Path closedAvi(Path file, int pictures) throws Exception {
        try (AviWriter w = AviWriter.create(file, 64, 48, 10)) {
            for (int i = 0; i < pictures; i++) {
                w.write(new byte[300], 300);
            }
        }
        return file;
    }

    private static void assertLength(int pictures, double seconds, Path file, String format) throws Exception {
        MediaLength.Length l = MediaLength.of(file, format);
        assertEquals(pictures, l.pictures(), file + ": pictures");
        assertEquals(seconds, l.seconds(), 1e-9, file + ": seconds");
    }

    private static void truncate(Path file, int bytes) throws Exception {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(c.size() - bytes);
        }
    }

    private static void append(Path file, byte[] b) throws Exception {
        Files.write(file, b, StandardOpenOption.APPEND);
    }
}
