package camstream.record;

import camstream.it.support.Tools;
import camstream.support.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AviWriter's files as ffprobe reads them: after a flush, unclosed, and closed with their index. */
class AviWriterTest {

    @TempDir
    Path dir;

    @Test
    void aFileNeverClosedPlaysUpToItsLastFlush() throws Exception {
        Path file = dir.resolve("open.avi");
        AviWriter w = AviWriter.create(file, TestMedia.WIDTH, TestMedia.HEIGHT, 10);
        for (int i = 0; i < 25; i++) {
            byte[] jpeg = TestMedia.encoded(i % 40, CvType.CV_8UC3, ".jpg");
            w.write(jpeg, jpeg.length);
        }
        w.flush();
        // Written after the last flush, then the writer is dropped as by a crash.
        for (int i = 0; i < 5; i++) {
            byte[] jpeg = TestMedia.encoded(i, CvType.CV_8UC3, ".jpg");
            w.write(jpeg, jpeg.length);
        }
        List<String> probe = probe(file);
        assertTrue(probe.contains("codec_name=mjpeg"), probe.toString());
        assertTrue(frames(probe) >= 25, probe.toString());
        MediaLength.Length length = MediaLength.of(file, "avi");
        assertEquals(30, length.pictures(), "every whole picture is counted");
        assertEquals(3.0, length.seconds(), 0.001);
    }

    @Test
    void aClosedFileHasItsPicturesItsLengthAndAnIndex() throws Exception {
        Path file = dir.resolve("closed.avi");
        try (AviWriter w = AviWriter.create(file, TestMedia.WIDTH, TestMedia.HEIGHT, 25)) {
            for (int i = 0; i < 50; i++) {
                byte[] jpeg = TestMedia.encoded(i % 40, CvType.CV_8UC3, ".jpg");
                w.write(jpeg, jpeg.length);
                if (i % 10 == 9) {
                    w.flush();
                }
            }
            w.fps(20);
            assertEquals(50, w.pictures());
        }
        List<String> probe = probe(file);
        assertEquals(50, frames(probe), probe.toString());
        assertTrue(probe.contains("width=" + TestMedia.WIDTH), probe.toString());
        assertTrue(probe.contains("duration=2.500000"), "the rate set last is the one written: " + probe);
        byte[] bytes = Files.readAllBytes(file);
        String tail = new String(bytes, bytes.length - 16 * 50 - 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals("idx1", tail);
    }

    static List<String> probe(Path file) throws Exception {
        Path ffprobe = Tools.require("/usr/bin/ffprobe");
        Tools.Result r = Tools.run(60, file.getParent(), List.of(ffprobe.toString(), "-v", "error", "-count_frames",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,nb_read_frames:format=duration",
                "-of", "default=noprint_wrappers=1", file.toString()));
        assertEquals(0, r.exitCode(), r.output());
        return r.output().strip().lines().toList();
    }

    static int frames(List<String> probe) {
        return probe.stream().filter(l -> l.startsWith("nb_read_frames=")).mapToInt(l -> Integer.parseInt(l.substring(15)))
                .findFirst().orElse(-1);
    }
}
