package camstream.source;

import camstream.record.AviWriter;
import camstream.support.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A recording being written (never closed) read by the AVI file source. */
class AviReaderRecordingTest {

    @TempDir
    Path dir;

    @Test
    void aRecordingStillBeingWrittenReadsToItsLastPicture() throws Exception {
        Path file = dir.resolve("live.avi");
        AviWriter w = AviWriter.create(file, TestMedia.WIDTH, TestMedia.HEIGHT, 12.5);
        for (int i = 0; i < 12; i++) {
            byte[] jpeg = TestMedia.encoded(i, CvType.CV_8UC3, ".jpg");
            w.write(jpeg, jpeg.length);
        }
        w.flush();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            AviReader r = new AviReader(in, true);
            assertEquals(true, r.begin());
            ImageBuffer b = new ImageBuffer();
            int n = 0;
            while (r.next(b)) {
                n++;
            }
            assertEquals(12, n);
            assertEquals("MJPG", r.codec());
            assertEquals(12.5, r.fps(), 0.001);
            b.release();
        }
        w.close();
    }
}
