package camstream.encode;

import camstream.NativeOpenCv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TurboJpegEncoderTest {

    @BeforeAll
    static void loadOpenCv() {
        NativeOpenCv.load();
    }

    /** Skips where libturbojpeg is not installed, but fails on CI, whose script installs it. */
    static void requireTurboJpeg() {
        try {
            TurboJpeg.load(TurboJpeg.DEFAULT_NAMES);
        } catch (LinkageError e) {
            if ("true".equals(System.getenv("CI"))) {
                fail("libturbojpeg must be installed on CI (Debian package libturbojpeg0): " + e.getMessage());
            }
            assumeTrue(false, "libturbojpeg is not installed: " + e.getMessage());
        }
    }

    static double psnr(Mat a, Mat b) {
        return Core.PSNR(a, b);
    }

    @Test
    void a_test_pattern_frame_decodes_to_the_same_picture() {
        requireTurboJpeg();
        Mat src = TestImages.testPattern(640, 480);
        try (TurboJpegEncoder enc = new TurboJpegEncoder()) {
            byte[] jpeg = enc.encode(src, 80);
            assertEquals((byte) 0xFF, jpeg[0]);
            assertEquals((byte) 0xD8, jpeg[1]);
            assertEquals((byte) 0xD9, jpeg[jpeg.length - 1]);
            Mat back = TestImages.decode(jpeg, Imgcodecs.IMREAD_COLOR);
            assertEquals(640, back.cols());
            assertEquals(480, back.rows());
            double db = psnr(src, back);
            assertTrue(db > 30, "PSNR " + db + " dB");
        }
    }

    @Test
    void the_encoder_reuses_its_buffer_across_frames_and_sizes() {
        requireTurboJpeg();
        try (TurboJpegEncoder enc = new TurboJpegEncoder()) {
            for (int[] size : new int[][] {{1920, 1080}, {1920, 1080}, {320, 240}, {1920, 1080}}) {
                Mat src = TestImages.testPattern(size[0], size[1]);
                Mat back = TestImages.decode(enc.encode(src, 80), Imgcodecs.IMREAD_COLOR);
                assertEquals(size[0], back.cols());
                assertEquals(size[1], back.rows());
                assertTrue(psnr(src, back) > 30);
            }
        }
    }

    @Test
    void a_region_of_a_larger_image_is_read_with_its_row_pitch() {
        requireTurboJpeg();
        Mat big = TestImages.testPattern(1280, 720);
        Mat region = big.submat(new Rect(100, 50, 640, 480));
        assertTrue(!region.isContinuous());
        try (TurboJpegEncoder enc = new TurboJpegEncoder()) {
            Mat back = TestImages.decode(enc.encode(region, 90), Imgcodecs.IMREAD_COLOR);
            assertEquals(640, back.cols());
            assertEquals(480, back.rows());
            double db = psnr(region.clone(), back);
            assertTrue(db > 30, "PSNR " + db + " dB");
        }
    }

    @Test
    void grayscale_images_become_grayscale_jpegs() {
        requireTurboJpeg();
        Mat gray = new Mat();
        Imgproc.cvtColor(TestImages.testPattern(320, 240), gray, Imgproc.COLOR_BGR2GRAY);
        try (TurboJpegEncoder enc = new TurboJpegEncoder()) {
            Mat back = TestImages.decode(enc.encode(gray, 80), Imgcodecs.IMREAD_UNCHANGED);
            assertEquals(CvType.CV_8UC1, back.type());
            assertTrue(psnr(gray, back) > 30);
        }
    }

    @Test
    void its_output_is_as_faithful_as_imencode_at_the_same_quality() {
        requireTurboJpeg();
        Mat src = TestImages.testPattern(640, 480);
        try (TurboJpegEncoder turbo = new TurboJpegEncoder(); OpenCvJpegEncoder cv = new OpenCvJpegEncoder()) {
            byte[] a = turbo.encode(src, 80);
            byte[] b = cv.encode(src, 80);
            double dbTurbo = psnr(src, TestImages.decode(a, Imgcodecs.IMREAD_COLOR));
            double dbCv = psnr(src, TestImages.decode(b, Imgcodecs.IMREAD_COLOR));
            assertTrue(Math.abs(dbTurbo - dbCv) < 1.0, "TurboJPEG " + dbTurbo + " dB, imencode " + dbCv + " dB");
            assertTrue(Math.abs(a.length - b.length) < b.length / 10, a.length + " vs " + b.length + " bytes");
        }
    }

    @Test
    void images_of_other_types_are_refused_with_a_clear_message() {
        requireTurboJpeg();
        Mat floats = new Mat(16, 16, CvType.CV_32FC3);
        try (TurboJpegEncoder enc = new TurboJpegEncoder()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enc.encode(floats, 80));
            assertTrue(e.getMessage().contains("CV_32FC3"), e.getMessage());
        }
    }

    @Test
    void auto_picks_turbojpeg_when_the_library_is_installed() {
        requireTurboJpeg();
        try (JpegEncoder enc = JpegEncoders.choose(JpegEncoders.AUTO).get()) {
            assertInstanceOf(TurboJpegEncoder.class, enc);
        }
    }

    @Test
    void a_missing_library_falls_back_to_imencode() {
        try (JpegEncoder enc = JpegEncoders.choose(JpegEncoders.TURBOJPEG, "libturbojpeg-not-there.so.9").get()) {
            assertInstanceOf(OpenCvJpegEncoder.class, enc);
            Mat back = TestImages.decode(enc.encode(TestImages.testPattern(320, 240), 80), Imgcodecs.IMREAD_COLOR);
            assertEquals(320, back.cols());
        }
    }

    @Test
    void a_library_without_the_turbojpeg_functions_falls_back_to_imencode() {
        // libc loads fine but has no tjCompress2.
        try (JpegEncoder enc = JpegEncoders.choose(JpegEncoders.AUTO, "c").get()) {
            assertInstanceOf(OpenCvJpegEncoder.class, enc);
        }
    }

    @Test
    void the_opencv_setting_uses_imencode_even_with_turbojpeg_installed() {
        try (JpegEncoder enc = JpegEncoders.choose(JpegEncoders.OPENCV).get()) {
            assertInstanceOf(OpenCvJpegEncoder.class, enc);
        }
    }

    @Test
    void closing_twice_is_harmless_and_a_closed_encoder_refuses_work() {
        requireTurboJpeg();
        TurboJpegEncoder enc = new TurboJpegEncoder();
        enc.close();
        enc.close();
        assertThrows(IllegalStateException.class, () -> enc.encode(TestImages.testPattern(64, 48), 80));
    }

    @Test
    void the_same_frame_encodes_to_the_same_bytes_every_time() {
        requireTurboJpeg();
        Mat src = TestImages.testPattern(640, 480);
        try (TurboJpegEncoder enc = new TurboJpegEncoder()) {
            assertArrayEquals(enc.encode(src, 80), enc.encode(src, 80));
        }
    }
}
