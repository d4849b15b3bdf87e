package camstream.stream;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broadcaster never lets a viewer or a snapshot reach the thread that publishes. */
class BroadcasterTest {

    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 1, (byte) 0xFF, (byte) 0xD9};

    /** An executor the test runs by hand. */
    private static final class Tasks implements Executor {
        final Queue<Runnable> queue = new ArrayDeque<>();
        boolean shutDown;

        @Override
        public void execute(Runnable r) {
            if (shutDown) {
                throw new RejectedExecutionException("shut down");
            }
            queue.add(r);
        }

        void runAll() {
            for (Runnable r; (r = queue.poll()) != null; ) {
                r.run();
            }
        }
    }

    /** A viewer that is always ready and records what it was given. */
    private static class Recorder implements Viewer {
        final List<Frame> written = new ArrayList<>();
        Frame pending;
        boolean busy;
        String closed;

        @Override
        public boolean offer(Frame frame) {
            pending = frame;
            if (busy || closed != null) {
                return false;
            }
            busy = true;
            return true;
        }

        @Override
        public void drain() {
            if (pending != null && closed == null) {
                written.add(pending);
            }
            pending = null;
            busy = false;
        }

        @Override
        public void tick(long nowNanos) {
        }

        @Override
        public void close(String why) {
            closed = why;
        }
    }

    @Test
    void aSnapshotCallbackThatThrowsRunsOnTheExecutorAndDoesNotStopPublishing() {
        Tasks tasks = new Tasks();
        Broadcaster b = new Broadcaster(tasks, () -> { });
        AtomicInteger served = new AtomicInteger();
        b.awaitNext(f -> {
            throw new IllegalStateException("a broken snapshot");
        });
        b.awaitNext(f -> served.incrementAndGet());
        Recorder viewer = new Recorder();
        b.add(viewer);

        b.publish(JPEG, JPEG.length, 1, false); // the publisher is not called back
        assertEquals(0, served.get());
        tasks.runAll();
        assertEquals(1, served.get(), "the other snapshot is served");
        b.publish(JPEG, JPEG.length, 2, false);
        tasks.runAll();
        assertEquals(2, viewer.written.size(), "frames still flow to viewers");
    }

    @Test
    void aViewerThatThrowsWhileWritingCostsNeitherThePublisherNorTheRestOfItsBatch() {
        Tasks tasks = new Tasks();
        Broadcaster b = new Broadcaster(tasks, () -> { });
        List<Recorder> viewers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Recorder r = i == 3 ? new Recorder() {
                @Override
                public void drain() {
                    throw new IllegalStateException("a container that throws");
                }
            } : new Recorder();
            viewers.add(r);
            b.add(r);
        }
        b.publish(JPEG, JPEG.length, 1, false);
        tasks.runAll();
        assertEquals(99, viewers.stream().filter(v -> v.written.size() == 1).count());
    }

    @Test
    void framesAreNumberedInOrderWithStrictlyIncreasingTimestampsAndAReSendKeepsThePicture() {
        Tasks tasks = new Tasks();
        Broadcaster b = new Broadcaster(tasks, () -> { });
        Recorder viewer = new Recorder();
        b.add(viewer);
        Frame first = b.publish(JPEG, JPEG.length, 1_000, false);
        Frame second = b.publish(JPEG, JPEG.length, 1_000, false); // same capture time: still later
        assertTrue(second.sequence() > first.sequence());
        assertEquals(first.timestampMicros() + 1, second.timestampMicros());

        assertFalse(b.resendIfQuiet(Long.MAX_VALUE), "not quiet yet");
        assertTrue(b.resendIfQuiet(0));
        Frame again = b.latest();
        assertTrue(again.sequence() > second.sequence());
        assertEquals(second.timestampMicros(), again.timestampMicros());
        assertSame(second.part(), again.part(), "the same bytes, not a copy");
        assertEquals(2, b.published(), "a re-send is not a new picture");
    }

    @Test
    void whenTheExecutorIsGoneViewersAreClosedAndDrainedOnThePublishingThread() {
        Tasks tasks = new Tasks();
        Broadcaster b = new Broadcaster(tasks, () -> { });
        Recorder viewer = new Recorder();
        b.add(viewer);
        tasks.shutDown = true;
        b.publish(JPEG, JPEG.length, 1, false);
        assertEquals("server stopping", viewer.closed);
        assertFalse(viewer.busy, "its drain ran, so a real viewer completes its response");
    }

    /** Like a real viewer, it never writes a frame numbered lower than the last it wrote. */
    private static final class InOrder extends Recorder {
        long lastSequence = -1;

        @Override
        public void drain() {
            if (pending != null && closed == null && pending.sequence() > lastSequence) {
                written.add(pending);
                lastSequence = pending.sequence();
            }
            pending = null;
            busy = false;
        }
    }

    private static final long MS = 1_000_000L;
    private static final long QUIET = 700 * MS;

    @Test
    void aViewerCappedAtHalfAFramePerSecondSeesANewPictureEveryTwoSecondsAndAPartAtLeastEverySecond() {
        Tasks tasks = new Tasks();
        AtomicLong clock = new AtomicLong(1_000 * MS);
        Broadcaster b = new Broadcaster(tasks, () -> { }, clock::get);
        InOrder capped = new InOrder();
        Recorder all = new Recorder();
        b.add(capped, 0.5);
        b.add(all);
        long start = clock.get();
        List<Long> writtenAt = new ArrayList<>();
        // A 30 fps camera for 10 s; the watchdog paces capped viewers every 250 ms.
        for (long t = 0; t < 10_000 * MS; t += MS) {
            clock.set(start + t);
            if (t % (33 * MS) == 0) {
                b.publish(JPEG, JPEG.length, t / 1000, false);
            }
            if (t % (250 * MS) == 0) {
                b.paceCapped(QUIET);
            }
            int before = capped.written.size();
            tasks.runAll();
            if (capped.written.size() > before) {
                writtenAt.add(t / MS);
            }
        }
        assertEquals(304, all.written.size(), "the viewer without a cap got every frame");
        long pictures = capped.written.stream().mapToLong(Frame::timestampMicros).distinct().count();
        assertEquals(5, pictures, "new pictures at 0, 2, 4, 6 and 8 s");
        // In between, the picture it has again: never a second without a part.
        writtenAt.add(10_000L);
        for (int i = 1; i < writtenAt.size(); i++) {
            assertTrue(writtenAt.get(i) - writtenAt.get(i - 1) <= 750, "a gap of more than 750 ms: " + writtenAt);
        }
    }

    @Test
    void aCappedViewerGetsAHeldPictureWhenItIsDueEvenAfterAKeepAliveAndWithoutANewerOne() {
        Tasks tasks = new Tasks();
        AtomicLong clock = new AtomicLong(0);
        Broadcaster b = new Broadcaster(tasks, () -> { }, clock::get);
        InOrder capped = new InOrder();
        b.add(capped, 1);
        b.publish(JPEG, JPEG.length, 1, false);
        tasks.runAll();
        clock.set(500 * MS);
        Frame held = b.publish(JPEG, JPEG.length, 2, false);
        tasks.runAll();
        assertEquals(1, capped.written.size(), "the second picture came before it was due");
        clock.set(750 * MS);
        b.paceCapped(QUIET);
        tasks.runAll();
        assertEquals(2, capped.written.size(), "a keep-alive after 700 ms");
        assertEquals(1, capped.written.get(1).timestampMicros(), "the keep-alive is the picture it has");
        clock.set(1000 * MS);
        b.paceCapped(QUIET);
        tasks.runAll();
        assertEquals(3, capped.written.size(), "the held picture once due, though a keep-alive went out after it came");
        assertEquals(held.timestampMicros(), capped.written.get(2).timestampMicros());
    }

    /**
     * Holds its pending frame as the web viewers do, in a {@link PendingFrame}, and like them never
     * writes a frame numbered lower than the last it wrote. Records each picture written and when.
     */
    private static final class PendingViewer implements Viewer {
        final PendingFrame pending;
        final AtomicLong clock;
        final List<String> written = new ArrayList<>();
        boolean busy;
        long lastSequence = -1;

        PendingViewer(Broadcaster source, double maxFps, AtomicLong clock) {
            this.pending = new PendingFrame(source, maxFps);
            this.clock = clock;
        }

        @Override
        public boolean offer(Frame frame) {
            pending.put(frame);
            if (busy) {
                return false;
            }
            busy = true;
            return true;
        }

        @Override
        public void drain() {
            for (Frame f; (f = pending.take()) != null; ) {
                if (f.sequence() > lastSequence) {
                    lastSequence = f.sequence();
                    written.add("picture " + f.timestampMicros() + " at " + clock.get() / MS + " ms");
                }
            }
            busy = false;
        }

        @Override
        public void tick(long nowNanos) {
        }

        @Override
        public void close(String why) {
        }
    }

    @Test
    void aCappedViewerWhoseDrainRunsLateGetsThePictureItWasOfferedAndTheHeldOneOnceWhenDue() {
        Tasks tasks = new Tasks();
        AtomicLong clock = new AtomicLong(0);
        Broadcaster b = new Broadcaster(tasks, () -> { }, clock::get);
        PendingViewer capped = new PendingViewer(b, 1, clock);
        b.add(capped, 1);
        b.publish(JPEG, JPEG.length, 1, false);
        tasks.runAll();
        clock.set(1000 * MS);
        b.publish(JPEG, JPEG.length, 2, false); // due: offered, but its drain runs late
        clock.set(1100 * MS);
        b.publish(JPEG, JPEG.length, 3, false); // not due until 2000 ms: held back
        clock.set(1200 * MS);
        tasks.runAll(); // the late drain
        clock.set(2000 * MS);
        b.paceCapped(QUIET);
        tasks.runAll();
        clock.set(2500 * MS);
        b.paceCapped(QUIET);
        tasks.runAll();
        assertEquals(List.of("picture 1 at 0 ms", "picture 2 at 1200 ms", "picture 3 at 2000 ms"),
                capped.written, "each picture once, none before it is due");
    }

    @Test
    void aPlaceholderIsNewsThatACappedViewerGetsAtOnce() {
        Tasks tasks = new Tasks();
        AtomicLong clock = new AtomicLong(0);
        Broadcaster b = new Broadcaster(tasks, () -> { }, clock::get);
        InOrder capped = new InOrder();
        b.add(capped, 0.2);
        b.publish(JPEG, JPEG.length, 1, false);
        tasks.runAll();
        clock.set(100 * MS);
        b.publish(JPEG, JPEG.length, 2, true);
        tasks.runAll();
        assertEquals(2, capped.written.size());
        assertTrue(capped.written.get(1).placeholder());
    }

    @Test
    void aByteIdenticalPictureIsNotSentButAWaitingSnapshotGetsItWithItsOwnTime() {
        Tasks tasks = new Tasks();
        Broadcaster b = new Broadcaster(tasks, () -> { });
        Recorder viewer = new Recorder();
        b.add(viewer);
        assertNotNull(b.publishChanged(JPEG.clone(), JPEG.length, 1_000, b.via()));
        tasks.runAll();
        List<Frame> snapshot = new ArrayList<>();
        b.awaitNext(snapshot::add);
        assertNull(b.publishChanged(JPEG.clone(), JPEG.length, 2_000, b.via()), "the same bytes again");
        tasks.runAll();
        assertEquals(1, viewer.written.size());
        assertEquals(1, snapshot.size());
        assertEquals(2_000, snapshot.get(0).timestampMicros());

        byte[] other = JPEG.clone();
        other[2] = 2;
        assertNotNull(b.publishChanged(other, other.length, 3_000, b.via()));
        tasks.runAll();
        assertEquals(2, viewer.written.size(), "a changed picture is sent");
    }

    @Test
    void siblingsCountTheirViewersTogetherAndEachHasItsOwnFrames() {
        Tasks tasks = new Tasks();
        Broadcaster main = new Broadcaster(tasks, () -> { });
        Broadcaster variant = main.sibling();
        Recorder a = new Recorder();
        Recorder c = new Recorder();
        main.add(a);
        variant.add(c);
        assertEquals(2, main.cameraViewerCount());
        assertEquals(2, variant.cameraViewerCount());
        assertEquals(1, variant.streamViewerCount());
        variant.publish(JPEG, JPEG.length, 1, false);
        tasks.runAll();
        assertEquals(0, a.written.size());
        assertEquals(1, c.written.size());
        variant.remove(c);
        assertEquals(1, main.cameraViewerCount());
        assertEquals(1, main.cameraLeft());
        assertFalse(variant.hasDemand());
    }

    /** A viewer that keeps every frame offered, in order, as a video viewer's queue does. */
    private static final class Keeper extends Recorder {
        final List<Frame> offered = new ArrayList<>();

        @Override
        public boolean offer(Frame frame) {
            offered.add(frame);
            return true;
        }
    }

    @Test
    void aViewerWhoJoinsACamerasOwnVideoGetsTheFramesSinceItsLastKeyframeAtOnce() {
        Tasks tasks = new Tasks();
        Broadcaster b = new Broadcaster(tasks, () -> { });
        VideoTrack track = new VideoTrack(64, 48, new byte[8], new byte[] {0x67, 0x42, (byte) 0xC0, 0x1F}, new byte[] {0x68, (byte) 0xCE});
        b.publishVideo(track, new byte[1], true, 1, false, true);
        b.publishVideo(track, new byte[2], false, 2, false, true);
        Frame key = b.publishVideo(track, new byte[3], true, 3, false, true);
        Frame next = b.publishVideo(track, new byte[4], false, 4, false, true);
        Keeper joiner = new Keeper();
        b.add(joiner);
        assertEquals(List.of(key, next), joiner.offered, "from the last keyframe on, in order");

        // Frames of an encoder, which makes a keyframe when asked, are not kept: the joiner asks.
        b.publishVideo(track, new byte[5], true, 5, false, false);
        b.publishVideo(track, new byte[6], false, 6, false, false);
        Keeper late = new Keeper();
        b.add(late);
        assertEquals(1, late.offered.size(), "only the newest frame, as for pictures");
    }
}
