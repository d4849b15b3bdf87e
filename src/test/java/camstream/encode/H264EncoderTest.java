package camstream.encode;

import camstream.NativeOpenCv;
import camstream.it.support.Tools;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class H264EncoderTest {

    private static final int NAL_SLICE = 1;
    private static final int NAL_IDR = 5;
    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;

    /** Fails, rather than skips, without libopenh264: the H.264 streams are built on it. */
    @BeforeAll
    static void loadLibraries() {
        NativeOpenCv.load();
        try {
            OpenH264.load(OpenH264.DEFAULT_NAMES);
        } catch (LinkageError e) {
            fail("libopenh264 is missing; install the Debian package libopenh264-7: " + e.getMessage());
        }
    }

    /** A horizontal grey ramp with a white square that moves 4 px right and 2 px down per frame. */
    static Mat picture(int width, int height, int frame) {
        Mat ramp = new Mat(1, width, CvType.CV_8UC3);
        byte[] row = new byte[width * 3];
        for (int x = 0; x < width; x++) {
            byte v = (byte) (x * 255 / Math.max(1, width - 1));
            row[3 * x] = v;
            row[3 * x + 1] = (byte) (255 - (v & 0xFF));
            row[3 * x + 2] = (byte) 64;
        }
        ramp.put(0, 0, row);
        Mat bgr = new Mat();
        Core.repeat(ramp, height, 1, bgr);
        ramp.release();
        int side = height / 4;
        int x = (10 + 4 * frame) % (width - side);
        int y = (10 + 2 * frame) % (height - side);
        Imgproc.rectangle(bgr, new Point(x, y), new Point(x + side, y + side), new Scalar(255, 255, 255), -1);
        return bgr;
    }

    /** The NAL unit types of an Annex B access unit, in order. */
    static List<Integer> nalTypes(byte[] annexB) {
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i + 3 < annexB.length; i++) {
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 1) {
                types.add(annexB[i + 3] & 0x1F);
                i += 3;
            }
        }
        return types;
    }

    /** The bytes before the first slice: the SPS and PPS NAL units of a keyframe. */
    static byte[] parameterSets(byte[] annexB) {
        for (int i = 0; i + 4 < annexB.length; i++) {
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 0 && annexB[i + 3] == 1
                    && (annexB[i + 4] & 0x1F) == NAL_IDR) {
                return java.util.Arrays.copyOf(annexB, i);
            }
        }
        throw new AssertionError("no IDR slice");
    }

    @ParameterizedTest
    @EnumSource(H264Encoder.Profile.class)
    void sixty_frames_make_a_stream_that_ffmpeg_reads_without_an_error(H264Encoder.Profile profile, @TempDir Path dir)
            throws Exception {
        Path ffprobe = Tools.require("/usr/bin/ffprobe");
        Path ffmpeg = Tools.require("/usr/bin/ffmpeg");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        try (H264Encoder enc = new H264Encoder(320, 240, 30, 500_000, 30, profile)) {
            for (int i = 0; i < 60; i++) {
                Mat bgr = picture(320, 240, i);
                H264Encoder.Encoded au = enc.encode(bgr, i * 1000L / 30);
                bgr.release();
                assertNotNull(au, "frame " + i + " was skipped");
                stream.write(au.annexB());
            }
        }
        Path file = dir.resolve("sixty.h264");
        Files.write(file, stream.toByteArray());

        Tools.Result probe = Tools.run(60, dir, List.of(ffprobe.toString(), "-v", "error", "-count_frames",
                "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,profile,width,height,nb_read_frames,color_range,color_space", "-of", "json",
                file.toString()));
        assertEquals(0, probe.exitCode(), probe.output());
        JsonObject s = JsonParser.parseString(probe.output()).getAsJsonObject().getAsJsonArray("streams")
                .get(0).getAsJsonObject();
        assertEquals("h264", s.get("codec_name").getAsString(), probe.output());
        assertEquals(profile == H264Encoder.Profile.MAIN ? "Main" : "Constrained Baseline", s.get("profile").getAsString(),
                probe.output());
        assertEquals(320, s.get("width").getAsInt(), probe.output());
        assertEquals(240, s.get("height").getAsInt(), probe.output());
        assertEquals(60, s.get("nb_read_frames").getAsInt(), probe.output());
        // What the stream says about its colours, from the VUI: BT.601 matrix, limited range.
        assertEquals("smpte170m", s.get("color_space").getAsString(), probe.output());
        assertEquals("tv", s.get("color_range").getAsString(), probe.output());

        Tools.Result decode = Tools.run(60, dir, List.of(ffmpeg.toString(), "-v", "error", "-i", file.toString(),
                "-f", "null", "-"));
        assertEquals(0, decode.exitCode(), decode.output());
        assertEquals("", decode.output().trim(), "ffmpeg's errors while decoding");
    }

    @Test
    void ffmpeg_decodes_the_pictures_that_went_in(@TempDir Path dir) throws Exception {
        Path ffmpeg = Tools.require("/usr/bin/ffmpeg");
        int frames = 10;
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        try (H264Encoder enc = new H264Encoder(320, 240, 30, 2_000_000, 30)) {
            for (int i = 0; i < frames; i++) {
                Mat bgr = picture(320, 240, i);
                stream.write(enc.encode(bgr, i * 33L).annexB());
                bgr.release();
            }
        }
        Path file = dir.resolve("ten.h264");
        Files.write(file, stream.toByteArray());
        Path raw = dir.resolve("ten.bgr");
        Tools.Result decode = Tools.run(60, dir, List.of(ffmpeg.toString(), "-v", "error", "-i", file.toString(),
                "-f", "rawvideo", "-pix_fmt", "bgr24", raw.toString()));
        assertEquals(0, decode.exitCode(), decode.output());
        byte[] pixels = Files.readAllBytes(raw);
        int size = 320 * 240 * 3;
        assertEquals(frames * size, pixels.length);
        for (int i : new int[] {0, frames - 1}) {
            Mat back = new Mat(240, 320, CvType.CV_8UC3);
            back.put(0, 0, java.util.Arrays.copyOfRange(pixels, i * size, (i + 1) * size));
            Mat original = picture(320, 240, i);
            // 36 to 39 dB here; swapped chroma planes give 13 dB, decoding with the BT.709 matrix 27 dB.
            double db = Core.PSNR(original, back);
            assertTrue(db > 33, "frame " + i + ": PSNR " + db + " dB");
            back.release();
            original.release();
        }
    }

    /**
     * Each 2x2 block has one blue pixel and three grey ones: its chroma sample must be their average. Taking
     * the top-left pixel's colour (OpenCV's BGR to I420) would paint every block blue: the decoded
     * picture's mean colour would be off by over 40 levels in blue and red.
     */
    @Test
    void each_colour_sample_is_the_average_of_the_four_pixels_it_covers(@TempDir Path dir) throws Exception {
        Path ffmpeg = Tools.require("/usr/bin/ffmpeg");
        Mat bgr = new Mat(240, 320, CvType.CV_8UC3, new org.opencv.core.Scalar(128, 128, 128));
        for (int y = 0; y < 240; y += 2) {
            for (int x = 0; x < 320; x += 2) {
                bgr.put(y, x, 255, 0, 0);
            }
        }
        Path file = dir.resolve("blocks.h264");
        try (H264Encoder enc = new H264Encoder(320, 240, 30, 20_000_000, 30)) {
            Files.write(file, enc.encode(bgr, 0).annexB());
        }
        Path raw = dir.resolve("blocks.bgr");
        Tools.Result decode = Tools.run(60, dir, List.of(ffmpeg.toString(), "-v", "error", "-i", file.toString(),
                "-f", "rawvideo", "-pix_fmt", "bgr24", raw.toString()));
        assertEquals(0, decode.exitCode(), decode.output());
        Mat back = new Mat(240, 320, CvType.CV_8UC3);
        back.put(0, 0, Files.readAllBytes(raw));
        double[] want = Core.mean(bgr).val;
        double[] got = Core.mean(back).val;
        for (int c = 0; c < 3; c++) {
            assertEquals(want[c], got[c], 6, "mean of channel " + "BGR".charAt(c) + ": " + java.util.Arrays.toString(got)
                    + " for " + java.util.Arrays.toString(want));
        }
        bgr.release();
        back.release();
    }

    @Test
    void a_keyframe_every_thirty_frames_and_each_carries_its_sps_and_pps() {
        byte[] first = null;
        try (H264Encoder enc = new H264Encoder(320, 240, 30, 500_000, 30)) {
            for (int i = 0; i < 60; i++) {
                Mat bgr = picture(320, 240, i);
                H264Encoder.Encoded au = enc.encode(bgr, i * 1000L / 30);
                bgr.release();
                assertNotNull(au, "frame " + i + " was skipped");
                List<Integer> types = nalTypes(au.annexB());
                if (i == 0 || i == 30) {
                    assertTrue(au.keyframe(), "frame " + i + " is a keyframe");
                    assertEquals(List.of(NAL_SPS, NAL_PPS, NAL_IDR), types, "frame " + i);
                    byte[] head = parameterSets(au.annexB());
                    if (i == 0) {
                        first = head;
                    } else {
                        // The same ids and contents: a decoder set up from the first keyframe decodes from any later one.
                        assertArrayEquals(first, head, "SPS and PPS of frame 30 and frame 0");
                    }
                } else {
                    assertFalse(au.keyframe(), "frame " + i + " is not a keyframe");
                    assertEquals(List.of(NAL_SLICE), types, "frame " + i);
                }
                assertEquals(1, au.annexB()[3], "every NAL unit starts with 00 00 00 01");
            }
        }
    }

    @Test
    void a_starved_bitrate_costs_quality_not_frames() {
        try (H264Encoder enc = new H264Encoder(320, 240, 30, 10_000, 30)) {
            for (int i = 0; i < 60; i++) {
                Mat bgr = picture(320, 240, i);
                assertNotNull(enc.encode(bgr, i * 1000L / 30), "frame " + i + " was skipped");
                bgr.release();
            }
        }
    }

    @Test
    void a_requested_keyframe_comes_with_the_next_frame() {
        try (H264Encoder enc = new H264Encoder(320, 240, 30, 500_000, 300)) {
            for (int i = 0; i < 10; i++) {
                Mat bgr = picture(320, 240, i);
                if (i == 5) {
                    enc.requestKeyframe();
                }
                H264Encoder.Encoded au = enc.encode(bgr, i * 33L);
                bgr.release();
                assertEquals(i == 0 || i == 5, au.keyframe(), "frame " + i);
                assertEquals(au.keyframe(), nalTypes(au.annexB()).contains(NAL_SPS), "frame " + i);
            }
        }
    }

    @Test
    void odd_sizes_are_refused_with_the_size_in_the_message() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new H264Encoder(321, 240, 30, 500_000, 30));
        assertTrue(e.getMessage().contains("321x240"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new H264Encoder(320, 239, 30, 500_000, 30));
        assertTrue(e.getMessage().contains("320x239"), e.getMessage());
    }

    @Test
    void a_picture_of_another_size_is_refused() {
        try (H264Encoder enc = new H264Encoder(320, 240, 30, 500_000, 30)) {
            Mat bgr = picture(640, 480, 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enc.encode(bgr, 0));
            assertTrue(e.getMessage().contains("640x480"), e.getMessage());
            bgr.release();
        }
    }

    @Test
    void closing_twice_is_harmless_and_a_closed_encoder_refuses_work() {
        H264Encoder enc = new H264Encoder(320, 240, 30, 500_000, 30);
        Mat bgr = picture(320, 240, 0);
        assertTrue(enc.encode(bgr, 0).keyframe());
        enc.close();
        enc.close();
        assertThrows(IllegalStateException.class, () -> enc.encode(bgr, 33));
        assertThrows(IllegalStateException.class, enc::requestKeyframe);
        bgr.release();
    }
}
