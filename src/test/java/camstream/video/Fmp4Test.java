package camstream.video;

import camstream.it.support.Tools;
import camstream.video.AnnexB.Nal;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The muxer's output checked by ffprobe and ffmpeg, not by reading it back ourselves: x264 encodes
 * 3 s of test pattern (a keyframe every 30 frames, SPS and PPS before each), AnnexB cuts it into
 * frames and Fmp4 wraps them, one fragment per frame, as the live stream will.
 */
class Fmp4Test {

    private static final int FRAMES = 90;
    private static final int GOP = 30;
    private static final int TIMESCALE = 90_000;
    private static final int FRAME_DURATION = 3000; // 30 fps

    @TempDir
    static Path dir;
    private static Path ffmpeg;
    private static Path ffprobe;
    private static List<List<Nal>> frames;

    @BeforeAll
    static void encodeTestPattern() throws Exception {
        ffmpeg = tool("ffmpeg");
        ffprobe = tool("ffprobe");
        Path h264 = dir.resolve("pattern.h264");
        Tools.Result encode = Tools.run(60, dir, List.of(ffmpeg.toString(), "-v", "error", "-nostdin",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-frames:v", String.valueOf(FRAMES),
                "-c:v", "libx264", "-profile:v", "baseline", "-bf", "0", "-g", String.valueOf(GOP),
                "-x264-params", "repeat-headers=1", "-f", "h264", h264.toString()));
        assertEquals(0, encode.exitCode(), encode.output());
        frames = AnnexB.accessUnits(AnnexB.split(Files.readAllBytes(h264)));
        assertEquals(FRAMES, frames.size(), "access units in x264's output");
    }

    /** ffmpeg and ffprobe must be on the PATH: without them these tests fail rather than skip (CI installs them). */
    private static Path tool(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(name + " is not on the PATH; the fMP4 tests check the muxer's output with it."
                + " Install it with: sudo apt-get install ffmpeg");
    }

    /** The init segment, then one fragment per frame from frame {@code first} on, as a viewer joining then gets it. */
    private static Path mux(String name, int first) throws Exception {
        List<Nal> key = frames.get(first);
        byte[] sps = AnnexB.first(key, AnnexB.SPS).orElseThrow().toArray();
        byte[] pps = AnnexB.first(key, AnnexB.PPS).orElseThrow().toArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Fmp4.init(320, 240, sps, pps, TIMESCALE));
        for (int i = first; i < frames.size(); i++) {
            byte[] sample = AnnexB.toAvcc(frames.get(i));
            // Sequence numbers and times count from the stream's start, not from the viewer's.
            out.write(Fmp4.fragment(i + 1, (long) i * FRAME_DURATION, FRAME_DURATION,
                    AnnexB.isKeyframe(frames.get(i)), sample, 0, sample.length));
        }
        Path file = dir.resolve(name);
        Files.write(file, out.toByteArray());
        return file;
    }

    private static JsonObject stream(Path file) throws Exception {
        Tools.Result probe = Tools.run(60, dir, List.of(ffprobe.toString(), "-v", "error", "-count_frames",
                "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json", file.toString()));
        assertEquals(0, probe.exitCode(), probe.output());
        return JsonParser.parseString(probe.output()).getAsJsonObject().getAsJsonArray("streams").get(0).getAsJsonObject();
    }

    private record Packet(double pts, boolean key) {
    }

    private static List<Packet> packets(Path file) throws Exception {
        Tools.Result probe = Tools.run(60, dir, List.of(ffprobe.toString(), "-v", "error",
                "-show_entries", "packet=pts_time,flags", "-of", "csv", file.toString()));
        assertEquals(0, probe.exitCode(), probe.output());
        List<Packet> packets = new ArrayList<>();
        for (String line : probe.output().strip().split("\n")) {
            String[] f = line.split(","); // packet,0.000000,K__
            packets.add(new Packet(Double.parseDouble(f[1]), f[2].startsWith("K")));
        }
        return packets;
    }

    private static void assertDecodesSilently(Path file) throws Exception {
        Tools.Result decode = Tools.run(60, dir, List.of(ffmpeg.toString(), "-v", "error", "-nostdin",
                "-i", file.toString(), "-f", "null", "-"));
        assertEquals(0, decode.exitCode(), decode.output());
        assertEquals("", decode.output(), "ffmpeg's complaints");
    }

    private static void assertIncreasing(List<Packet> packets) {
        for (int i = 1; i < packets.size(); i++) {
            assertTrue(packets.get(i).pts() > packets.get(i - 1).pts(), "pts of packet " + i + ": " + packets);
        }
    }

    @Test
    void ffprobeSeesAllFramesOfA320x240H264Track() throws Exception {
        JsonObject s = stream(mux("whole.mp4", 0));
        assertEquals("h264", s.get("codec_name").getAsString());
        assertEquals(320, s.get("width").getAsInt());
        assertEquals(240, s.get("height").getAsInt());
        assertEquals(FRAMES, s.get("nb_read_frames").getAsInt());
    }

    @Test
    void ffmpegDecodesTheWholeStreamWithoutComplaint() throws Exception {
        assertDecodesSilently(mux("whole.mp4", 0));
    }

    @Test
    void timesIncreaseAndKeyframesAreExactlyTheIdrFrames() throws Exception {
        List<Packet> packets = packets(mux("whole.mp4", 0));
        assertEquals(FRAMES, packets.size());
        assertIncreasing(packets);
        assertEquals(0.0, packets.get(0).pts());
        assertEquals(List.of(0, 30, 60), IntStream.range(0, FRAMES).filter(i -> packets.get(i).key()).boxed().toList());
    }

    @Test
    void aViewerJoiningAtAKeyframeDecodesEveryFrameFromThere() throws Exception {
        Path late = mux("late.mp4", GOP);
        JsonObject s = stream(late);
        assertEquals(FRAMES - GOP, s.get("nb_read_frames").getAsInt());
        assertDecodesSilently(late);
        List<Packet> packets = packets(late);
        assertEquals(FRAMES - GOP, packets.size());
        assertTrue(packets.get(0).key(), "the first frame a late viewer gets is a keyframe");
        assertIncreasing(packets);
    }

    @Test
    void aFragmentIsTheMoofThenTheSampleInOneArray() {
        byte[] buffer = {9, 9, 1, 2, 3, 4, 5, 9};
        byte[] fragment = Fmp4.fragment(1, 0, FRAME_DURATION, true, buffer, 2, 5);
        // moof (100 bytes for one sample), then mdat's 8-byte header and the sample itself.
        assertEquals(100 + 8 + 5, fragment.length);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Arrays.copyOfRange(fragment, 108, 113));
        assertThrows(IndexOutOfBoundsException.class, () -> Fmp4.fragment(1, 0, 1, true, buffer, 4, 5));
    }

    @Test
    void initRefusesAPpsInPlaceOfTheSps() {
        byte[] pps = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};
        assertThrows(IllegalArgumentException.class, () -> Fmp4.init(320, 240, pps, pps, TIMESCALE));
    }
}
