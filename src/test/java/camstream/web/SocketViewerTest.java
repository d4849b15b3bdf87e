package camstream.web;

import camstream.stream.Broadcaster;
import camstream.web.LatestWinsWriter.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One WebSocket connection watching two cameras, against a scripted session and real
 * {@link Broadcaster}s whose executor runs only when the test says so.
 */
class SocketViewerTest {

    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ManualExecutor executor = new ManualExecutor();
    private final Broadcaster front = new Broadcaster(executor, () -> { });
    private final Broadcaster back = new Broadcaster(executor, () -> { });
    private final ScriptedSender sender = new ScriptedSender();
    private final SocketHub hub = new SocketHub();
    private final SocketViewer viewer = new SocketViewer("test-client", sender, STALL_NANOS, hub);
    private long pictures;

    @AfterEach
    void theSessionSawNoBrokenRule() {
        assertEquals(List.of(), sender.violations());
    }

    /** Publishes the next picture, numbered from 1 across both cameras. */
    private long publish(Broadcaster b) {
        long n = ++pictures;
        b.publish(ScriptedOutput.jpeg(n), Long.BYTES, n, false);
        return n;
    }

    private void watchBoth() {
        hub.add(viewer);
        viewer.watch(List.of(new SocketViewer.Target("front", front), new SocketViewer.Target("back", back)));
    }

    private static ScriptedSender.Sent sent(String camera, long picture) {
        return new ScriptedSender.Sent(camera, picture);
    }

    @Test
    void eachPictureGoesOutOnceAsAMessageNamingItsCamera() {
        watchBoth();
        assertEquals(1, front.cameraViewerCount());
        assertEquals(1, back.cameraViewerCount());

        publish(front);
        assertEquals(State.WRITING, viewer.state(), "the offer made the executor the writer");
        executor.runAll();
        publish(back);
        executor.runAll();

        assertEquals(List.of(sent("front", 1), sent("back", 2)), sender.sent());
        assertEquals(State.IDLE, viewer.state());
        assertEquals(1, hub.sent("front"));
        assertEquals(1, hub.sent("back"));
    }

    @Test
    void whileASendIsOutEachCameraKeepsOnlyItsNewestPictureAndTheCompletionSendsThemInTurn() {
        watchBoth();
        sender.inline(false);
        publish(front);
        executor.runAll();
        assertEquals(State.PENDING, viewer.state());

        for (int i = 0; i < 5; i++) {
            publish(front);
            publish(back);
        }
        assertEquals(0, executor.runAll(), "no drain is scheduled while a send is out");
        sender.complete(null); // on this thread, not inline: it becomes the writer
        assertEquals(State.PENDING, viewer.state());
        sender.complete(null);
        assertEquals(State.PENDING, viewer.state());
        sender.complete(null);

        assertEquals(List.of(sent("front", 1), sent("front", 10), sent("back", 11)), sender.sent());
        assertEquals(4, front.cameraSkipped());
        assertEquals(4, back.cameraSkipped());
        assertEquals(State.IDLE, viewer.state());
    }

    @Test
    void sendsThatCompleteInlineContinueInTheWritersLoopWithoutRecursion() {
        watchBoth();
        sender.inline(false);
        publish(front);
        executor.runAll();
        publish(front);
        publish(back);
        sender.inline(true);

        int depth = Thread.currentThread().getStackTrace().length;
        int[] deepest = {0};
        sender.duringNextSend(() -> deepest[0] = Thread.currentThread().getStackTrace().length - depth);
        sender.complete(null);
        int first = deepest[0];
        sender.duringNextSend(() -> deepest[0] = Thread.currentThread().getStackTrace().length - depth);
        publish(front);
        executor.runAll();

        assertEquals(List.of(sent("front", 1), sent("front", 2), sent("back", 3), sent("front", 4)), sender.sent());
        assertTrue(first > 0 && first < 40, "stack depth in the second send: " + first);
        assertEquals(State.IDLE, viewer.state());
    }

    @Test
    void aCloseWhileASendIsOutEndsAtOnceWithoutACloseFrameAndTheLateCompletionIsIgnored() {
        watchBoth();
        sender.inline(false);
        publish(front);
        executor.runAll();

        viewer.close("closed by test");

        assertClosedOnce(Thread.currentThread(), true);
        sender.complete(new IOException("Broken pipe (scripted)"));
        publish(front);
        publish(back);
        assertEquals(0, executor.runAll());
        assertEquals(1, sender.sent().size());
        assertClosedOnce(Thread.currentThread(), true);
    }

    @Test
    void aCloseWhileTheWriterIsInsideTheContainersSendCallIsCarriedOutByTheWriterAfterIt() throws InterruptedException {
        watchBoth();
        Thread[] closer = new Thread[1];
        sender.inline(false);
        publish(front);
        executor.runAll();
        publish(back);
        // The completion makes this thread the writer; inside its next send another thread closes.
        sender.duringNextSend(() -> {
            closer[0] = new Thread(() -> viewer.close("closed by another thread"), "closer");
            closer[0].start();
            try {
                closer[0].join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        sender.complete(null);

        // Not the closer: the writer (this thread) was inside send(), and ends it once the call returned.
        assertClosedOnce(Thread.currentThread(), true);
        assertFalse(closer[0].isAlive());
        assertEquals(2, sender.sent().size());
    }

    @Test
    void aCloseThatArrivesWhileTheWriterChoosesIsCarriedOutByTheWriterOnce() {
        watchBoth();
        publish(front); // offer: IDLE -> WRITING, drain queued on the executor
        assertEquals(State.WRITING, viewer.state());

        viewer.close("closed while writing");
        assertEquals(State.CLOSING, viewer.state());
        assertEquals(0, sender.closes(), "only the writer ends it");
        assertEquals(0, front.cameraViewerCount(), "it left its cameras at once");
        executor.runAll();

        assertClosedOnce(Thread.currentThread(), false);
        assertEquals(List.of(), sender.sent());
    }

    @Test
    void aSendThatFailsEndsTheConnectionOnce() {
        watchBoth();
        sender.inline(false);
        publish(front);
        executor.runAll();
        sender.complete(new IOException("Connection reset (scripted)"));

        assertClosedOnce(Thread.currentThread(), true);
        viewer.close("again");
        viewer.tick(System.nanoTime() + 10 * STALL_NANOS);
        assertClosedOnce(Thread.currentThread(), true);
    }

    @Test
    void aSendHeldLongerThanTheStallTimeoutEndsTheConnectionAnIdleOneNever() {
        watchBoth();
        viewer.tick(System.nanoTime() + 10 * STALL_NANOS);
        assertEquals(State.IDLE, viewer.state(), "nothing to send is not a stall");

        sender.inline(false);
        publish(front);
        executor.runAll();
        viewer.tick(System.nanoTime() + STALL_NANOS / 2);
        assertEquals(State.PENDING, viewer.state());
        front.tick(System.nanoTime() + 2 * STALL_NANOS);

        assertClosedOnce(Thread.currentThread(), true);
    }

    @Test
    void leavingACameraStopsItsPicturesAndCountsAsAViewerWhoLeft() {
        watchBoth();
        publish(back);
        executor.runAll();

        viewer.watch(List.of(new SocketViewer.Target("front", front)));
        assertEquals(0, back.cameraViewerCount());
        assertEquals(1, back.cameraLeft());
        publish(back);
        assertEquals(0, executor.runAll());

        viewer.watch(List.of());
        assertEquals(0, front.cameraViewerCount());
        assertEquals(State.IDLE, viewer.state(), "a connection that watches nothing stays open");

        viewer.watch(List.of(new SocketViewer.Target("back", back)));
        assertEquals(2, back.cameraJoined());
        publish(back);
        executor.runAll();
        assertEquals(List.of(sent("back", 1), sent("back", 3)), sender.sent(),
                "a camera watched again shows its newest picture, after rejoining");
    }

    @Test
    void aCameraAskedForWithOtherOptionsIsLeftAndJoinedAgain() {
        Broadcaster small = front.sibling();
        viewer.watch(List.of(new SocketViewer.Target("front", front)));
        viewer.watch(List.of(new SocketViewer.Target("front", "width=320", 0, () -> new Ticket(null, small, () -> { }))));
        assertEquals(0, front.streamViewerCount());
        assertEquals(1, small.streamViewerCount());
        viewer.watch(List.of(new SocketViewer.Target("front", "width=320", 0, () -> new Ticket(null, small, () -> { })),
                new SocketViewer.Target("front", front)));
        assertEquals(1, small.streamViewerCount(), "the same options again, and the first entry of a camera counts");
        assertEquals(0, front.streamViewerCount());
    }

    @Test
    void aCameraLeftWhileItsPictureWaitedDoesNotSendIt() {
        watchBoth();
        sender.inline(false);
        publish(front);
        executor.runAll();
        publish(back);
        viewer.watch(List.of(new SocketViewer.Target("front", front)));
        sender.complete(null);

        assertEquals(List.of(sent("front", 1)), sender.sent());
        assertEquals(State.IDLE, viewer.state());
    }

    @Test
    void theBroadcastersShutdownEndsTheWholeConnectionOnce() {
        watchBoth();
        front.closeAll("server stopping");
        back.closeAll("server stopping");

        assertClosedOnce(Thread.currentThread(), false);
        assertEquals(0, hub.connections());
    }

    @Test
    void aDrainTheStoppingExecutorRefusesEndsTheConnection() {
        Executor refusing = task -> {
            throw new RejectedExecutionException("stopping (scripted)");
        };
        Broadcaster stopping = new Broadcaster(refusing, () -> { });
        hub.add(viewer);
        viewer.watch(List.of(new SocketViewer.Target("front", stopping)));
        stopping.publish(ScriptedOutput.jpeg(1), Long.BYTES, 1, false);

        assertClosedOnce(Thread.currentThread(), false);
        assertEquals(0, stopping.cameraViewerCount());
    }

    @Test
    void aWatchRequestAfterTheCloseJoinsNothing() {
        watchBoth();
        viewer.close("closed");
        viewer.watch(List.of(new SocketViewer.Target("front", front)));
        assertEquals(0, front.cameraViewerCount());
        assertEquals(1, front.cameraJoined());
    }

    private void assertClosedOnce(Thread by, boolean inFlight) {
        assertEquals(State.CLOSED, viewer.state());
        assertEquals(1, sender.closes());
        assertSame(by, sender.closedBy());
        assertEquals(inFlight, sender.closedInFlight());
        assertEquals(0, front.cameraViewerCount() + back.cameraViewerCount());
        assertFalse(hub.connections() > 0);
    }
}
