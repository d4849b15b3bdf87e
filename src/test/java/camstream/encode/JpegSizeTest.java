package camstream.encode;

import camstream.NativeOpenCv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JpegSizeTest {

    @BeforeAll
    static void opencv() {
        NativeOpenCv.load();
    }

    private static byte[] jpeg(int width, int height, int... params) {
        Mat m = new Mat(height, width, CvType.CV_8UC3, new Scalar(10, 200, 30));
        MatOfByte out = new MatOfByte();
        try {
            Imgcodecs.imencode(".jpg", m, out, new MatOfInt(params));
            return out.toArray();
        } finally {
            m.release();
            out.release();
        }
    }

    @Test
    void readsTheSizeOfBaselineAndProgressiveJpegs() {
        byte[] baseline = jpeg(1920, 1080);
        assertEquals(1920L << 32 | 1080, JpegSize.of(baseline, baseline.length));
        byte[] progressive = jpeg(33, 7, Imgcodecs.IMWRITE_JPEG_PROGRESSIVE, 1);
        assertEquals(33L << 32 | 7, JpegSize.of(progressive, progressive.length));
    }

    @Test
    void answersZeroForWhatIsNotAWholeJpegHeader() {
        byte[] j = jpeg(64, 48);
        assertEquals(0, JpegSize.of(j, 20));
        assertEquals(0, JpegSize.of(new byte[] {1, 2, 3, 4, 5}, 5));
        byte[] garbled = Arrays.copyOf(j, j.length);
        garbled[2] = 0x00;
        assertEquals(0, JpegSize.of(garbled, garbled.length));
        assertEquals(0, JpegSize.of(new byte[0], 0));
    }
}
