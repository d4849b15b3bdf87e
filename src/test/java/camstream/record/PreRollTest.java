package camstream.record;

import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.VideoTrack;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a recording begins with: scripted frames a tenth of a second apart, a 2-second pre-roll. */
class PreRollTest {

    private static final long SECOND = 1_000_000;
    private static final long T0 = 1_800_000_000L * SECOND;
    private final Broadcaster b = new Broadcaster(Runnable::run, () -> { });
    private final VideoTrack track = new VideoTrack(64, 48, new byte[8], new byte[] {0x67, 0x42, (byte) 0xC0, 0x1F},
            new byte[] {0x68, (byte) 0xCE});

    @Test
    void h264BeginsAtTheLastKeyframeAtLeastThePreRollOld() {
        PreRoll p = new PreRoll(2 * SECOND);
        // A keyframe every second, from T0 to T0 + 5.9 s.
        for (int i = 0; i < 60; i++) {
            p.add(b.publishVideo(track, new byte[10], i % 10 == 0, T0 + i * SECOND / 10, false));
        }
        List<Frame> frames = p.take(T0 + 59 * SECOND / 10 - 2 * SECOND);
        assertTrue(frames.get(0).keyframe());
        // The newest is at 5.9 s: the keyframe at 3 s is the last one at least 2 s before it.
        assertEquals(T0 + 3 * SECOND, frames.get(0).timestampMicros());
        assertEquals(30, frames.size());
        assertEquals(0, p.size(), "taken");
    }

    @Test
    void h264WithoutAKeyframeYetGivesNothingToBeginWith() {
        PreRoll p = new PreRoll(2 * SECOND);
        for (int i = 1; i < 5; i++) {
            p.add(b.publishVideo(track, new byte[10], false, T0 + i * SECOND / 10, false));
        }
        assertEquals(List.of(), p.take(T0));
    }

    @Test
    void jpegPicturesOfTheLastPreRollSecondsAreKept() {
        PreRoll p = new PreRoll(2 * SECOND);
        for (int i = 0; i < 60; i++) {
            p.add(b.publish(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xd9}, 4, T0 + i * SECOND / 10, false));
        }
        List<Frame> frames = p.take(T0 + 39 * SECOND / 10);
        assertEquals(T0 + 39 * SECOND / 10, frames.get(0).timestampMicros());
        assertEquals(21, frames.size());
    }

    /** Motion is seen after it began: the pre-roll counts from its first picture, from what was kept longer. */
    @Test
    void aRecordingBeginsThePreRollBeforeItsOwnTimeNotBeforeTheNewestPicture() {
        PreRoll jpeg = new PreRoll(5 * SECOND);
        PreRoll h264 = new PreRoll(5 * SECOND);
        Broadcaster video = new Broadcaster(Runnable::run, () -> { }); // each stream's times rise on their own
        for (int i = 0; i < 60; i++) {
            jpeg.add(b.publish(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xd9}, 4, T0 + i * SECOND / 10, false));
            h264.add(video.publishVideo(track, new byte[10], i % 10 == 0, T0 + i * SECOND / 10, false));
        }
        // Motion began at 4.2 s and was seen at 5.9 s; the pre-roll is 2 s.
        long from = T0 + 42 * SECOND / 10 - 2 * SECOND;
        List<Frame> pictures = jpeg.take(from);
        assertEquals(from, pictures.get(0).timestampMicros());
        assertEquals(38, pictures.size());
        List<Frame> frames = h264.take(from);
        assertEquals(T0 + 2 * SECOND, frames.get(0).timestampMicros(), "the keyframe at or before 2.2 s");
        assertTrue(frames.get(0).keyframe());
        assertEquals(40, frames.size());
    }

    @Test
    void aTimeBeforeEverythingKeptBeginsAtTheOldestKeyframeKept() {
        PreRoll p = new PreRoll(2 * SECOND);
        for (int i = 0; i < 60; i++) {
            p.add(b.publishVideo(track, new byte[10], i % 10 == 0, T0 + i * SECOND / 10, false));
        }
        assertEquals(T0 + 3 * SECOND, p.take(T0 - 10 * SECOND).get(0).timestampMicros());
    }
}
