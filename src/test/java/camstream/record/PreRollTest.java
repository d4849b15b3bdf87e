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
        List<Frame> frames = p.take();
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
        assertEquals(List.of(), p.take());
    }

    @Test
    void jpegPicturesOfTheLastPreRollSecondsAreKept() {
        PreRoll p = new PreRoll(2 * SECOND);
        for (int i = 0; i < 60; i++) {
            p.add(b.publish(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xd9}, 4, T0 + i * SECOND / 10, false));
        }
        List<Frame> frames = p.take();
        assertEquals(T0 + 39 * SECOND / 10, frames.get(0).timestampMicros());
        assertEquals(21, frames.size());
    }
}
