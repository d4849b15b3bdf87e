package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.VideoTrack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cameras a page asks for as H.264 on its one WebSocket, against a scripted session and real
 * {@link Broadcaster}s whose executor runs only when the test says so. Each fragment's first eight
 * bytes are its number, and a track's init segment reads as a negative number, so that the scripted
 * session records what went out in order.
 */
class SocketViewerVideoTest {

    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final VideoTrack SMALL = track(64, 48, -1);
    private static final VideoTrack LARGE = track(128, 96, -2);

    private final ManualExecutor executor = new ManualExecutor();
    private final Broadcaster frontPictures = new Broadcaster(executor, () -> { });
    private final Broadcaster frontVideo = frontPictures.sibling();
    private final Broadcaster back = new Broadcaster(executor, () -> { });
    private final ScriptedSender sender = new ScriptedSender();
    private final SocketHub hub = new SocketHub();
    private final SocketViewer viewer = new SocketViewer("test-client", sender, STALL_NANOS, hub);
    private long frames;

    @AfterEach
    void theSessionSawNoBrokenRule() {
        assertEquals(List.of(), sender.violations());
    }

    /** A track whose init segment's first eight bytes read as {@code id}. */
    private static VideoTrack track(int width, int height, long id) {
        byte[] init = ByteBuffer.allocate(16).putLong(id).array();
        return new VideoTrack(width, height, init, new byte[] {0x67, 0x42, (byte) 0xC0, 0x1F}, new byte[] {0x68, (byte) 0xCE});
    }

    private long key() {
        return video(SMALL, true);
    }

    private long delta() {
        return video(SMALL, false);
    }

    private long video(VideoTrack track, boolean keyframe) {
        long n = ++frames;
        frontVideo.publishVideo(track, ByteBuffer.allocate(32).putLong(n).array(), keyframe, n, false);
        return n;
    }

    private long picture(Broadcaster b) {
        long n = ++frames;
        b.publish(ScriptedOutput.jpeg(n), Long.BYTES, n, false);
        return n;
    }

    private static Ticket ticket(Broadcaster b) {
        return new Ticket(null, b, () -> { });
    }

    /** Front asked for as H.264, with its pictures as the fallback. */
    private SocketViewer.Target frontAsVideo() {
        return new SocketViewer.Target("front", "", 0, () -> ticket(frontPictures), () -> ticket(frontVideo), 8);
    }

    private static ScriptedSender.Sent sent(String camera, long n) {
        return new ScriptedSender.Sent(camera, n);
    }

    @Test
    void aCameraAskedForAsVideoStartsWithItsInitSegmentAtAKeyframeThatItAskedTheEncoderFor() {
        hub.add(viewer);
        viewer.watch(List.of(frontAsVideo()));
        assertTrue(frontVideo.takeKeyframeRequest(), "a new viewer asks for a keyframe");
        assertEquals(1, frontVideo.streamViewerCount());
        assertEquals(0, frontPictures.streamViewerCount());

        delta(); // cannot be decoded from here
        long k = key();
        long d = delta();
        executor.runAll();

        assertEquals(List.of(sent("front", -1), sent("front", k), sent("front", d)), sender.sent());
        assertEquals(2, hub.sent("front"), "frames, not the init segment, count as sent");
        assertEquals(List.of(), sender.texts);
    }

    @Test
    void aViewerBehindSkipsToTheNextKeyframeAndKeepsAtMostOneGroupOfPictures() {
        viewer.watch(List.of(frontAsVideo()));
        sender.inline(false);
        long k1 = key();
        executor.runAll();
        sender.complete(null); // the init segment went out; the keyframe is out now
        for (int i = 0; i < 5; i++) {
            delta();
        }
        long k2 = key();
        long d = delta();
        sender.inline(true);
        sender.complete(null);

        assertEquals(List.of(sent("front", -1), sent("front", k1), sent("front", k2), sent("front", d)), sender.sent());
        assertEquals(5, frontVideo.cameraSkipped());

        // Nothing sent for longer than its bound: it waits for the next keyframe and holds nothing meanwhile.
        sender.inline(false);
        key();
        executor.runAll();
        for (int i = 0; i < 9; i++) {
            delta();
        }
        assertEquals(14, frontVideo.cameraSkipped(), "the keyframe out, eight frames wait, the ninth drops them all");
        long d2 = delta();
        long k3 = key();
        sender.inline(true);
        sender.complete(null);
        long[] last = sender.sent().stream().mapToLong(ScriptedSender.Sent::picture).toArray();
        assertEquals(k3, last[last.length - 1]);
        assertFalse(Arrays.stream(last).anyMatch(n -> n == d2), "a frame after the drop and before a keyframe is not sent");
    }

    @Test
    void aNewTrackAndACameraWatchedAgainBeginWithTheirInitSegment() {
        viewer.watch(List.of(frontAsVideo()));
        long k1 = key();
        long k2 = video(LARGE, true);
        executor.runAll();
        viewer.watch(List.of());
        viewer.watch(List.of(frontAsVideo())); // shown the newest keyframe at once
        long k3 = video(LARGE, true);
        executor.runAll();

        assertEquals(List.of(sent("front", -1), sent("front", k1), sent("front", -2), sent("front", k2),
                sent("front", -2), sent("front", k2), sent("front", k3)), sender.sent());
    }

    @Test
    void videoAndPicturesShareTheSocketOneMessageEachInTurn() {
        viewer.watch(List.of(frontAsVideo(), new SocketViewer.Target("back", back)));
        sender.inline(false);
        long k = key();
        executor.runAll();
        long d1 = delta();
        long p1 = picture(back);
        long d2 = delta();
        sender.inline(true);
        sender.complete(null);

        assertEquals(List.of(sent("front", -1), sent("front", k), sent("back", p1), sent("front", d1),
                sent("front", d2)), sender.sent());
    }

    @Test
    void aCameraThatCannotBeSentAsVideoComesAsPicturesAndThePageIsToldWhy() {
        SocketViewer.Target noVideo = new SocketViewer.Target("front", "", 0, () -> ticket(frontPictures), () -> {
            throw new Refused(Refused.Reason.NO_VIDEO, "camera 'front' sends no H.264: OpenH264 is not installed");
        }, 8);
        viewer.watch(List.of(noVideo));
        long p = picture(frontPictures);
        executor.runAll();

        assertEquals(List.of("{\"camera\":\"front\",\"pictures\":\"camera 'front' sends no H.264: OpenH264 is not installed\"}"),
                sender.texts);
        assertEquals(List.of(sent("front", p)), sender.sent());
        assertEquals(0, frontVideo.streamViewerCount());

        viewer.watch(List.of(noVideo));
        assertEquals(1, sender.texts.size(), "watched on, it is not told again");
    }

    @Test
    void aCameraThatMayOnlyBeSentAsVideoAndCannotBeIsRefusedWithTheReason() {
        viewer.watch(List.of(new SocketViewer.Target("front", "", 0, null, () -> {
            throw new Refused(Refused.Reason.NO_VIDEO, "camera 'front' sends no H.264: camstream.h264=off");
        }, 8)));
        picture(frontPictures);
        executor.runAll();

        assertEquals(List.of("{\"camera\":\"front\",\"refused\":\"camera 'front' sends no H.264: camstream.h264=off\"}"),
                sender.texts);
        assertEquals(List.of(), sender.sent());
    }

    @Test
    void aCameraAskedForAsPicturesInsteadOfVideoIsLeftAndJoinedAgain() {
        viewer.watch(List.of(frontAsVideo()));
        viewer.watch(List.of(new SocketViewer.Target("front", "", 0, () -> ticket(frontPictures))));
        assertEquals(0, frontVideo.streamViewerCount());
        assertEquals(1, frontPictures.streamViewerCount());
    }
}
