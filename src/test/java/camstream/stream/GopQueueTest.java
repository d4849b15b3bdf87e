package camstream.stream;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GopQueueTest {

    private static final VideoTrack TRACK = new VideoTrack(64, 48, new byte[8], new byte[] {0x67, 0x42, (byte) 0xC0, 0x1F},
            new byte[] {0x68, (byte) 0xCE});
    private long sequence;

    private Frame key() {
        return frame(true, 10);
    }

    private Frame delta() {
        return frame(false, 10);
    }

    private Frame frame(boolean key, int bytes) {
        long n = ++sequence;
        return new Frame(n, n * 1000, TRACK, new byte[bytes], key, false, Via.NONE);
    }

    private static List<Long> drain(GopQueue q) {
        List<Long> taken = new ArrayList<>();
        for (Frame f = q.take(); f != null; f = q.take()) {
            taken.add(f.sequence());
        }
        return taken;
    }

    @Test
    void aViewerStartsAtTheFirstKeyframeAndThenGetsEveryFrameInOrder() {
        GopQueue q = new GopQueue(10, 1 << 20);
        assertEquals(1, q.put(delta()), "a frame before any keyframe cannot be decoded");
        assertEquals(1, q.put(delta()));
        assertTrue(q.isEmpty());
        assertTrue(q.waitingForKeyframe());
        assertEquals(0, q.put(key()));
        assertEquals(0, q.put(delta()));
        assertEquals(0, q.put(delta()));
        assertFalse(q.waitingForKeyframe());
        assertEquals(List.of(3L, 4L, 5L), drain(q));
        assertEquals(0, q.put(delta()));
        assertEquals(List.of(6L), drain(q));
    }

    @Test
    void aKeyframeReplacesMoreThanAFewWaitingFramesButKeepsAWriteOrTwoUnderWay() {
        GopQueue q = new GopQueue(10, 1 << 20);
        q.put(key());
        q.put(delta());
        assertEquals(0, q.put(key()), "two waiting frames are about to be written: kept");
        assertEquals(List.of(1L, 2L, 3L), drain(q));
        q.put(delta());
        q.put(delta());
        q.put(delta());
        assertEquals(3, q.put(key()), "three waiting: the viewer is behind and skips to the keyframe");
        assertEquals(List.of(7L), drain(q));
    }

    @Test
    void aViewerAGroupOfPicturesBehindDropsWhatWaitsAndWaitsForTheNextKeyframe() {
        GopQueue q = new GopQueue(4, 1 << 20);
        q.put(key());
        q.put(delta());
        q.put(delta());
        q.put(delta());
        assertEquals(4, q.size());
        assertEquals(5, q.put(delta()), "the fifth frame would exceed the bound: all of them go");
        assertTrue(q.isEmpty());
        assertEquals(0, q.bytes());
        assertTrue(q.waitingForKeyframe());
        assertEquals(1, q.put(delta()), "nothing decodes until the next keyframe");
        assertEquals(0, q.put(key()));
        assertEquals(List.of(7L), drain(q));
    }

    @Test
    void theBytesWaitingStayWithinTheBound() {
        GopQueue q = new GopQueue(100, 100);
        q.put(frame(true, 40));
        q.put(frame(false, 40));
        assertEquals(80, q.bytes());
        assertEquals(3, q.put(frame(false, 40)));
        assertEquals(0, q.bytes());
        assertNull(q.take());
    }

    @Test
    void reSendsAndOlderFramesAreNotQueued() {
        GopQueue q = new GopQueue(10, 1 << 20);
        Frame k = key();
        q.put(k);
        assertEquals(0, q.put(k.again(++sequence)), "a video frame is sent once: a keep-alive re-send is not queued");
        assertEquals(0, q.put(k), "nor a frame already offered");
        assertEquals(List.of(1L), drain(q));
    }
}
