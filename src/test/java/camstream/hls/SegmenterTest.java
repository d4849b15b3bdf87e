package camstream.hls;

import camstream.stream.VideoTrack;
import camstream.video.Fmp4;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmenterTest {

    private static final VideoTrack TRACK = track(320);
    private static final long FRAME_30 = 33_333;

    private final Segmenter seg = new Segmenter("e1");
    private long time;
    private long frames;
    private boolean lastKeyframeWanted;

    private static VideoTrack track(int width) {
        return new VideoTrack(width, 240, new byte[]{(byte) width}, new byte[]{0x67, 0x42, (byte) 0xC0, 0x1E}, new byte[]{0x68, 1});
    }

    private Segmenter.Added frame(boolean keyframe, long micros, VideoTrack track) {
        byte[] sample = {0, 0, 0, 2, 0x65, (byte) frames};
        byte[] fragment = Fmp4.fragment(++frames, time, (int) micros, keyframe, sample, 0, sample.length);
        Segmenter.Added a = seg.add(fragment, keyframe, track, 1_700_000_000_000_000L + time);
        time += micros;
        lastKeyframeWanted = a.keyframeWanted();
        return a;
    }

    /** {@code n} frames at 30 fps, a keyframe every {@code gop}, counting from the stream's first frame. */
    private void frames(int n, int gop) {
        for (int i = 0; i < n; i++) {
            frame(frames % gop == 0, FRAME_30, TRACK);
        }
    }

    private static List<String> all(String regex, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void aThirtyFpsStreamIsCutIntoTwoSecondSegmentsOfFourHalfSecondParts() throws Exception {
        frames(60 * 3 + 1, 30);
        String text = seg.playlist("");
        assertEquals(List.of("2.000", "2.000", "2.000"), all("^#EXTINF:([0-9.]+),$", text));
        assertEquals(List.of("e1/0.m4s", "e1/1.m4s", "e1/2.m4s"), all("^(e1/\\d+\\.m4s)$", text));
        List<String> parts = all("^#EXT-X-PART:DURATION=([0-9.]+),", text);
        assertEquals(8, parts.size(), "parts of the newest segments only: " + text);
        assertTrue(parts.stream().allMatch("0.500"::equals), text);
        assertEquals(List.of("e1/1.0.m4s", "e1/1.2.m4s", "e1/2.0.m4s", "e1/2.2.m4s"),
                all("URI=\"([^\"]+)\",INDEPENDENT=YES$", text), "the parts that begin with a keyframe (one a second)");
        assertEquals(List.of("e1/3.0.m4s"), all("^#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([^\"]+)\"$", text));
        ByteArrayOutputStream parts1 = new ByteArrayOutputStream();
        for (int p = 0; p < 4; p++) {
            parts1.write(seg.part(1, p));
        }
        assertArrayEquals(seg.segment(1), parts1.toByteArray());
        assertNull(seg.segment(3), "in the making");
    }

    @Test
    void fragmentsBeforeTheFirstKeyframeAreDropped() {
        frame(false, FRAME_30, TRACK);
        frame(false, FRAME_30, TRACK);
        assertEquals(-1, seg.newest());
        frame(true, FRAME_30, TRACK);
        assertEquals(0, seg.newest());
    }

    @Test
    void theEncoderIsAskedForAKeyframeWhenTheSegmentIsDue() {
        frames(1, 1000);
        for (int i = 1; i < 59; i++) {
            frame(false, FRAME_30, TRACK);
            assertFalse(lastKeyframeWanted, "frame " + i);
        }
        frame(false, FRAME_30, TRACK);
        assertTrue(lastKeyframeWanted, "the next frame completes 2 s");
        frame(true, FRAME_30, TRACK);
        assertEquals(1, seg.newest());
        assertEquals(0, seg.lastComplete());
    }

    @Test
    void aStreamWithoutKeyframesIsStillCutSoThatMemoryStaysBounded() {
        frames(1, 100_000);
        for (int i = 0; i < 30 * 13; i++) {
            frame(false, FRAME_30, TRACK);
        }
        assertEquals(1, seg.newest(), "cut at 12 s");
    }

    @Test
    void aNewTrackBeginsASegmentAfterADiscontinuityWithItsOwnInitSegment() {
        frames(70, 30);
        VideoTrack bigger = track(640);
        frame(true, FRAME_30, bigger);
        for (int i = 0; i < 60; i++) {
            frame(i % 30 == 29, FRAME_30, bigger);
        }
        String text = seg.playlist("?token=t");
        assertEquals(List.of("e1/init-1.mp4?token=t", "e1/init-2.mp4?token=t"), all("^#EXT-X-MAP:URI=\"([^\"]+)\"$", text));
        assertEquals(1, all("^(#EXT-X-DISCONTINUITY)$", text).size(), text);
        assertArrayEquals(new byte[]{(byte) 640}, seg.init(2));
        assertTrue(text.indexOf("#EXT-X-DISCONTINUITY\n") < text.indexOf("init-2"), text);
    }

    @Test
    void thePlaylistListsSixSegmentsAndThreeMoreAreKeptForLateClients() {
        frames(60 * 12 + 1, 30);
        String text = seg.playlist("");
        assertEquals("6", all("^#EXT-X-MEDIA-SEQUENCE:(\\d+)$", text).get(0));
        assertEquals(6, all("^#EXTINF:([0-9.]+),$", text).size());
        assertTrue(seg.segment(3) != null && seg.segment(2) == null, "three past the window kept, then gone");
        assertEquals(8, all("^#EXT-X-PART:DURATION=([0-9.]+),", text).size(), "parts only for the newest: " + text);
    }

    @Test
    void aHeldRequestIsWokenOnceWhenItsPartExists() {
        frames(1, 30);
        List<String> woken = new ArrayList<>();
        assertTrue(seg.await(0, 0, () -> woken.add("0.0")));
        assertTrue(seg.await(0, -1, () -> woken.add("0")));
        assertTrue(seg.await(1, 0, () -> woken.add("1.0")));
        frames(14, 30);
        seg.takeReady().forEach(Runnable::run);
        assertEquals(List.of("0.0"), woken);
        frames(46, 30);
        seg.takeReady().forEach(Runnable::run);
        assertEquals(List.of("0.0", "0"), woken, "segment 0 is complete when segment 1 begins");
        frames(15, 30);
        seg.takeReady().forEach(Runnable::run);
        assertEquals(List.of("0.0", "0", "1.0"), woken);
        assertFalse(seg.await(1, 0, () -> woken.add("again")), "there already: nothing held");
    }

    @Test
    void endingTheStreamReturnsEveryHeldRequest() {
        frames(1, 30);
        List<String> woken = new ArrayList<>();
        seg.await(5, 0, () -> woken.add("a"));
        seg.await(0, 3, () -> woken.add("b"));
        seg.end().forEach(Runnable::run);
        assertEquals(List.of("a", "b"), woken);
        assertFalse(seg.soon(0));
    }

    @Test
    void onlyTheSegmentInTheMakingAndTheNextMayBeWaitedFor() {
        frames(61, 30);
        assertEquals(1, seg.newest());
        assertFalse(seg.soon(0));
        assertTrue(seg.soon(1));
        assertTrue(seg.soon(2));
        assertFalse(seg.soon(3));
        assertFalse(seg.partSoon(1, -1));
        assertTrue(seg.partSoon(1, 0), "not yet ended");
        assertTrue(seg.partSoon(2, 0));
        assertFalse(seg.partSoon(0, 4), "segment 0 is complete with four parts");
    }
}
