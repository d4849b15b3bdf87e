package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.VideoTrack;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An H.264 viewer that joins a camera mid-group, over a scripted container and a manual writer pool. */
class Mp4ViewerTest {

    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final VideoTrack TRACK = new VideoTrack(64, 48, ScriptedOutput.INIT,
            new byte[] {0x67, 0x42, (byte) 0xC0, 0x1E}, new byte[] {0x68, (byte) 0xCE});

    private final ManualExecutor executor = new ManualExecutor();
    private final Broadcaster broadcaster = new Broadcaster(executor, () -> { });
    private final ScriptedOutput out = new ScriptedOutput();

    /**
     * The group since the last keyframe is offered at once, but the viewer writes nothing until the
     * container's first onWritePossible: a drain scheduled meanwhile would become a second writer beside
     * that callback's thread (Jetty then fails the write, and the stream ends before its first frame).
     */
    @Test
    void aViewerWhoJoinsMidGroupIsWrittenByTheContainersCallbackAloneAndGetsTheGroupOnce() {
        for (long n = 1; n <= 3; n++) {
            broadcaster.publishVideo(TRACK, ScriptedOutput.fragment(n, n == 1), n == 1, n, false, true); // a camera's own H.264
        }
        executor.runAll();
        out.mp4();
        Mp4Viewer viewer = new Mp4Viewer("cam", "joiner", out, out::complete, broadcaster, STALL_NANOS, 90);

        viewer.start();
        assertEquals(0, executor.queued(), "no drain for a viewer that waits for the container's first callback");

        out.fireWritePossible();
        executor.runAll();
        assertEquals(List.of(1L, 2L, 3L), out.written());
        assertEquals(List.of(), out.violations());
    }
}
