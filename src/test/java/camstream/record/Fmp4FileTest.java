package camstream.record;

import camstream.video.Fmp4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fmp4File retimes the stream's fragments to begin at 0, and a file cut anywhere (a crash) has its
 * whole fragments counted by MediaLength, as a player would play them.
 */
class Fmp4FileTest {

    private static final int TIMESCALE = 1_000_000;
    private static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1F};
    private static final byte[] PPS = {0x68, (byte) 0xCE};

    @TempDir
    Path dir;

    @Test
    void framesAreRetimedFromZeroAndACutFileCountsItsWholeFragments() throws Exception {
        Path file = dir.resolve("x.mp4");
        byte[] init = Fmp4.init(64, 48, SPS, PPS, TIMESCALE);
        assertEquals(TIMESCALE, Fmp4File.timescale(init));
        long streamTime = 3_600L * TIMESCALE; // the stream has run for an hour
        try (Fmp4File f = Fmp4File.create(file, init)) {
            for (int i = 0; i < 25; i++) {
                byte[] sample = new byte[100 + i];
                ByteBuffer.wrap(sample).putInt(sample.length - 4).put((byte) 0x41); // one NAL unit, as the stream's are
                f.write(Fmp4.fragment(1000 + i, streamTime + i * 40_000L, 40_000, i % 10 == 0, sample, 0, sample.length), i % 10 == 0);
            }
            f.flush();
            assertEquals(25, f.pictures());
            assertEquals(1.0, f.seconds(), 1e-9);
        }
        MediaLength.Length whole = MediaLength.of(file, "mp4");
        assertEquals(25, whole.pictures());
        assertEquals(1.0, whole.seconds(), 1e-9, "from 0, not from the stream's hour");

        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(c.size() - 50); // the last fragment cut short
        }
        MediaLength.Length cut = MediaLength.of(file, "mp4");
        assertEquals(24, cut.pictures());
        assertEquals(0.96, cut.seconds(), 1e-9);
    }
}
