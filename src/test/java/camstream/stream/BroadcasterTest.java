package camstream.stream;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
