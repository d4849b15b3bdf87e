package camstream;

import camstream.NativeOpenCv;
import camstream.support.EmbeddedCamstream;
import camstream.support.Jpeg;
import camstream.support.MjpegStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.videoio.VideoWriter;
import org.opencv.videoio.Videoio;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files as cameras: an MJPEG AVI written with OpenCV's VideoWriter, and a JPEG sequence, both looped. */
class FileSourceIT {

    private static final int FRAMES = 8;

    @TempDir
    static Path dir;
    private static EmbeddedCamstream server;

    @BeforeAll
    static void start() throws Exception {
        NativeOpenCv.load();
        Path avi = dir.resolve("clip.avi");
        VideoWriter w = new VideoWriter(avi.toString(), Videoio.CAP_OPENCV_MJPEG, VideoWriter.fourcc('M', 'J', 'P', 'G'),
                20, new Size(320, 240));
        assertTrue(w.isOpened(), "OpenCV's MJPEG writer opens");
        for (int i = 0; i < FRAMES; i++) {
            Mat m = frame(i);
            w.write(m);
            m.release();
        }
        w.release();
        Files.createDirectories(dir.resolve("seq"));
        for (int i = 0; i < FRAMES; i++) {
            Mat m = frame(i);
            Imgcodecs.imwrite(dir.resolve("seq").resolve(String.format("img%03d.jpg", i)).toString(), m);
            m.release();
        }
        server = EmbeddedCamstream.start(Map.of(
                "camstream.cameras", "avi,seq",
                "camstream.camera.avi.source", "file:" + avi,
                "camstream.camera.seq.source", "file:" + dir.resolve("seq") + "/img%03d.jpg",
                "camstream.camera.seq.fps", "20"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Frame i is a flat grey whose level encodes i, so it survives JPEG compression. */
    private static Mat frame(int i) {
        return new Mat(240, 320, CvType.CV_8UC3, new Scalar(level(i), level(i), level(i)));
    }

    private static int level(int i) {
        return 30 + i * 25;
    }

    private static int index(byte[] jpeg) {
        Mat m = Jpeg.decode(jpeg);
        try {
            double mean = Core.mean(m).val[0];
            return (int) Math.round((mean - 30) / 25);
        } finally {
            m.release();
        }
    }

    @Test
    void anMjpegAviPlaysInOrderAndLoops() throws Exception {
        assertPlaysInOrderAndLoops("stream/avi");
    }

    @Test
    void aJpegSequencePlaysInOrderAndLoops() throws Exception {
        assertPlaysInOrderAndLoops("stream/seq");
    }

    private void assertPlaysInOrderAndLoops(String path) throws Exception {
        List<Integer> seen = new ArrayList<>();
        try (MjpegStream s = MjpegStream.open(server.uri(path))) {
            for (int n = 0; n < 3 * FRAMES; n++) {
                MjpegStream.Part p = s.next();
                assertEquals("320x240", Jpeg.size(p.body()));
                seen.add(index(p.body()));
            }
        }
        // A viewer may skip frames while the file opens; after its first loop it sees every frame in order.
        int start = seen.subList(1, seen.size()).indexOf(0) + 1;
        assertTrue(start > 0, "the file loops: " + seen);
        int wraps = 1;
        for (int i = start + 1; i < seen.size(); i++) {
            int prev = seen.get(i - 1);
            int cur = seen.get(i);
            if (cur == 0 && prev == FRAMES - 1) {
                wraps++;
            } else {
                assertEquals(prev + 1, cur, "frames play in order: " + seen);
            }
        }
        assertTrue(wraps >= 2, "the file loops: " + seen);
    }
}
