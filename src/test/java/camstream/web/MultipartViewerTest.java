package camstream.web;

import camstream.stream.Broadcaster;
import camstream.web.LatestWinsWriter.State;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One viewer against a scripted output stream and a real {@link Broadcaster} whose executor runs
 * only when the test says so: every interleaving here is written out, none is left to chance.
 */
class MultipartViewerTest {

    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Soon enough: a closing callback returns within one write of the writer's. */
    private static final long AT_ONCE_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);

    /** Every way a stream ends, except a failed write, which has its own tests. */
    enum ClosePath {
        WRITE_LISTENER_ON_ERROR {
            @Override
            void fire(MultipartViewer v, Broadcaster b) {
                v.onError(new IOException("Connection reset (scripted)"));
            }
        },
        ASYNC_ON_ERROR {
            @Override
            void fire(MultipartViewer v, Broadcaster b) {
                v.onError(event(new IOException("Connection reset (scripted)")));
            }
        },
        ASYNC_ON_TIMEOUT {
            @Override
            void fire(MultipartViewer v, Broadcaster b) {
                v.onTimeout(event(null));
            }
        },
        ASYNC_ON_COMPLETE {
            @Override
            void fire(MultipartViewer v, Broadcaster b) {
                v.onComplete(event(null));
            }
        },
        /** The stall check, long after the stall timeout; it closes only a viewer in PENDING. */
        TICK_STALL {
            @Override
            void fire(MultipartViewer v, Broadcaster b) {
                b.tick(System.nanoTime() + 2 * STALL_NANOS);
            }
        },
        CLOSE_ALL {
            @Override
            void fire(MultipartViewer v, Broadcaster b) {
                b.closeAll("server stopping");
            }
        };

        abstract void fire(MultipartViewer v, Broadcaster b);

        /** A container callback that ends the stream: it returns only once no write is in progress. */
        boolean waitsForTheWriter() {
            return this == WRITE_LISTENER_ON_ERROR || this == ASYNC_ON_ERROR || this == ASYNC_ON_TIMEOUT;
        }
    }

    /** The container's event; the viewer reads only the throwable. */
    static AsyncEvent event(Throwable t) {
        return new AsyncEvent(null, null, null, t);
    }

    private final ManualExecutor executor = new ManualExecutor();
    private final Broadcaster broadcaster = new Broadcaster(executor, () -> { });
    private final ScriptedOutput out = new ScriptedOutput();
    private final MultipartViewer viewer =
            new MultipartViewer("cam", "test-client", out, out::complete, broadcaster, STALL_NANOS);
    private long pictures;

    @AfterEach
    void theOutputSawNoBrokenRule() {
        assertEquals(List.of(), out.violations());
    }

    /** Publishes the next picture, numbered from 1, the way the camera loop does. */
    private long publish() {
        long n = ++pictures;
        broadcaster.publish(ScriptedOutput.jpeg(n), Long.BYTES, n, false);
        return n;
    }

    /** Started, the head flushed, nothing pending: IDLE. */
    private void startWritable() {
        viewer.start();
        out.fireWritePossible();
        assertEquals(State.IDLE, viewer.state());
    }

    /** Started and blocked: the container owes onWritePossible, frame 1 is pending. */
    private void startBlocked() {
        startWritable();
        out.setReady(false);
        publish();
        executor.runAll();
        assertEquals(State.PENDING, viewer.state());
        assertTrue(out.owed());
    }

    /** Runs on the writer's thread inside a scripted call: waits until another thread's close was recorded. */
    private void awaitState(State expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (viewer.state() != expected) {
            if (System.nanoTime() > deadline) {
                out.violation("the viewer never reached " + expected + ", it is " + viewer.state());
                return;
            }
            Thread.onSpinWait();
        }
    }

    private void assertClosedOnceBy(Thread completer) {
        assertEquals(State.CLOSED, viewer.state());
        assertEquals(1, out.completes());
        assertSame(completer, out.completedBy());
        assertEquals(0, broadcaster.cameraViewerCount());
        assertEquals(1, broadcaster.cameraLeft());
    }

    /** Whatever happens after the stream ended, the output is not touched again (the output checks). */
    private void nothingIsWrittenAfterwards() {
        List<Long> before = out.written();
        publish();
        assertEquals(0, executor.runAll());
        if (out.owed()) {
            out.setReady(true);
            out.fireWritePossible();
        }
        viewer.close("again");
        viewer.tick(System.nanoTime() + 2 * STALL_NANOS);
        assertEquals(before, out.written());
        assertEquals(1, out.completes());
        assertEquals(1, broadcaster.cameraLeft());
    }

    @Test
    void theFirstOnWritePossibleFlushesTheResponseHeadBeforeAnyFrameExists() {
        viewer.start();
        assertEquals(List.of(), out.events(), "nothing is touched before the container says the output is ready");
        assertEquals(State.PENDING, viewer.state());

        out.fireWritePossible();

        assertEquals(List.of("onWritePossible", "isReady true", "flush", "isReady true"), out.events());
        assertEquals(State.IDLE, viewer.state());
    }

    @Test
    void aViewerThatArrivesGetsTheHeadThenTheNewestFrameWithTheOpeningDelimiter() {
        publish();
        viewer.start();
        assertEquals(0, executor.queued(), "the frame waits for the container's first onWritePossible");

        out.fireWritePossible();

        assertEquals(List.of("onWritePossible", "isReady true", "flush", "isReady true", "write 1",
                "isReady true", "flush", "isReady true"), out.events());
        assertEquals(State.IDLE, viewer.state());
    }

    @Test
    void aFrameOfferedToAnIdleViewerIsWrittenAndFlushedOnTheExecutor() {
        startWritable();

        publish();
        assertEquals(State.WRITING, viewer.state(), "the offer made the executor the writer");
        assertEquals(1, executor.runAll());
        publish();
        executor.runAll();

        assertEquals(List.of(1L, 2L), out.written());
        assertEquals(State.IDLE, viewer.state());
        assertEquals(0, broadcaster.cameraSkipped());
    }

    @Test
    void aSlowViewerOfferedTenFramesReceivesOnlyTheNewestOnceWritable() {
        startWritable();
        out.setReady(false);
        for (int i = 0; i < 10; i++) {
            publish();
            executor.runAll();
        }
        assertEquals(State.PENDING, viewer.state());
        assertEquals(List.of(), out.written());

        out.setReady(true);
        out.fireWritePossible();

        assertEquals(List.of(10L), out.written());
        assertEquals(9, broadcaster.cameraSkipped());
        assertEquals(State.IDLE, viewer.state());
    }

    @Test
    void skippedCountsOnlyTheFramesReplacedBeforeTheyWereWritten() {
        startWritable();
        publish();
        publish(); // replaces 1 before the executor ran
        executor.runAll();
        publish();
        executor.runAll();

        assertEquals(List.of(2L, 3L), out.written());
        assertEquals(1, broadcaster.cameraSkipped());
    }

    @Test
    void anOnWritePossibleBetweenIsReadyFalseAndTheWaitIsNotLost() {
        startWritable();
        publish();
        // The writer writes 1, then isReady() says false; before the writer records that it waits,
        // the container (another thread) already calls onWritePossible, and 2 is published.
        out.answer(true, false);
        out.onNextIsReadyFalse(() -> {
            Thread container = new Thread(out::fireWritePossible, "container");
            container.start();
            join(container);
            publish();
        });

        executor.runAll();

        assertEquals(List.of(1L, 2L), out.written(), "the wakeup was not lost: 2 went out without another callback");
        assertEquals(List.of("onWritePossible", "isReady true", "flush", "isReady true",
                "isReady true", "write 1", "isReady false", "onWritePossible", "isReady true", "flush",
                "isReady true", "write 2", "isReady true", "flush", "isReady true"), out.events());
        assertEquals(State.IDLE, viewer.state());
    }

    @Test
    void aWriteThatFailsClosesTheStreamAndTheWriterCompletesOnce() {
        startWritable();
        out.failWrites();

        publish();
        executor.runAll();

        assertClosedOnceBy(Thread.currentThread());
        nothingIsWrittenAfterwards();
    }

    @Test
    void aFlushOfTheHeadThatFailsInOnWritePossibleIsCompletedByThatCallback() throws InterruptedException {
        viewer.start();
        out.failWrites();
        Thread container = new Thread(out::fireWritePossible, "container");
        container.start();
        container.join();

        assertClosedOnceBy(container);
        nothingIsWrittenAfterwards();
    }

    @ParameterizedTest(name = "{0} during a write: the writer completes once after its write")
    @EnumSource(value = ClosePath.class, mode = EnumSource.Mode.EXCLUDE, names = "TICK_STALL")
    void aCloseDuringAWriteIsCompletedByTheWriter(ClosePath path) {
        startWritable();
        AtomicReference<Thread> closer = new AtomicReference<>();
        AtomicLong closeNanos = new AtomicLong(-1);
        AtomicInteger completesWhenTheCallbackReturned = new AtomicInteger(-1);
        out.onNextWrite(() -> {
            Thread t = new Thread(() -> {
                long start = System.nanoTime();
                path.fire(viewer, broadcaster);
                closeNanos.set(System.nanoTime() - start);
                completesWhenTheCallbackReturned.set(out.completes());
            }, "closer");
            closer.set(t);
            t.start();
            awaitState(State.CLOSING);
            // Still inside write(). A container's error callback waits: once it returns, the container
            // may recycle the response. Any other close only records itself and is done.
            if (path.waitsForTheWriter()) {
                awaitThread(t, Thread.State.TIMED_WAITING);
            } else {
                join(t);
            }
            if (out.completes() != 0) {
                out.violation("completed while the writer was inside write()");
            }
        });

        publish();
        executor.runAll();
        join(closer.get());

        assertClosedOnceBy(Thread.currentThread());
        assertEquals(List.of(1L), out.written());
        assertTrue(closeNanos.get() >= 0 && closeNanos.get() < AT_ONCE_NANOS,
                "the closing callback returned soon after the write: " + closeNanos.get());
        assertEquals(path.waitsForTheWriter() ? 1 : 0, completesWhenTheCallbackReturned.get(),
                "completed when the closing callback returned");
        nothingIsWrittenAfterwards();
    }

    private static void awaitThread(Thread t, Thread.State expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != expected) {
            assertTrue(System.nanoTime() < deadline, t.getName() + " is " + t.getState() + ", not " + expected);
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest(name = "{0} on an idle viewer: the closing thread completes once")
    @EnumSource(value = ClosePath.class, mode = EnumSource.Mode.EXCLUDE, names = "TICK_STALL")
    void aCloseBetweenWritesIsCompletedByTheClosingThread(ClosePath path) {
        startWritable();
        publish();
        executor.runAll();
        assertEquals(State.IDLE, viewer.state());

        Thread closer = new Thread(() -> path.fire(viewer, broadcaster), "closer");
        closer.start();
        join(closer);

        assertClosedOnceBy(closer);
        nothingIsWrittenAfterwards();
    }

    @ParameterizedTest(name = "{0} on a viewer waiting for onWritePossible: the closing thread completes once")
    @EnumSource(ClosePath.class)
    void aCloseWhileWaitingIsCompletedByTheClosingThread(ClosePath path) {
        startBlocked();

        Thread closer = new Thread(() -> path.fire(viewer, broadcaster), "closer");
        closer.start();
        join(closer);

        assertClosedOnceBy(closer);
        assertEquals(List.of(), out.written());
        nothingIsWrittenAfterwards();
    }

    @Test
    void aContainerErrorReportedInsideTheWriteOnTheWritersOwnThreadDoesNotWaitForItself() {
        startWritable();
        AtomicLong closeNanos = new AtomicLong(-1);
        out.onNextWrite(() -> {
            long start = System.nanoTime();
            viewer.onError(new IOException("Connection reset (scripted)"));
            closeNanos.set(System.nanoTime() - start);
        });

        publish();
        executor.runAll();

        assertTrue(closeNanos.get() >= 0 && closeNanos.get() < AT_ONCE_NANOS,
                "onError on the writer's thread returned without waiting: " + closeNanos.get());
        assertClosedOnceBy(Thread.currentThread());
        nothingIsWrittenAfterwards();
    }

    @Test
    void aCompleteThatCallsOnCompleteBackCompletesOnce() {
        startWritable();
        out.onComplete(() -> viewer.onComplete(event(null)));

        broadcaster.closeAll("server stopping");

        assertClosedOnceBy(Thread.currentThread());
        nothingIsWrittenAfterwards();
    }

    @Test
    void aDrainTheStoppedWriterPoolRefusesIsCompletedOutsideThePublishLock() {
        Broadcaster stopping = new Broadcaster(task -> {
            throw new RejectedExecutionException("writer pool stopped");
        }, () -> { });
        ScriptedOutput output = new ScriptedOutput();
        MultipartViewer v = new MultipartViewer("cam", "late", output, output::complete, stopping, STALL_NANOS);
        v.start();
        output.fireWritePossible();
        assertEquals(State.IDLE, v.state());

        stopping.publish(ScriptedOutput.jpeg(1), Long.BYTES, 1, false); // a camera that was stuck at shutdown

        assertEquals(State.CLOSED, v.state());
        assertEquals(1, output.completes());
        assertSame(Thread.currentThread(), output.completedBy());
        assertEquals(0, stopping.cameraViewerCount());
        assertEquals(List.of(), output.violations(), "the publishing thread completed the viewer under its lock");
    }

    @Test
    void aClosedViewerLeavesTheBroadcasterOnceWhicheverPathsCloseIt() {
        viewer.start();
        assertEquals(1, broadcaster.cameraViewerCount());
        out.fireWritePossible();

        for (ClosePath p : ClosePath.values()) {
            p.fire(viewer, broadcaster);
        }
        viewer.close("again");

        assertEquals(0, broadcaster.cameraViewerCount());
        assertEquals(1, broadcaster.cameraJoined());
        assertEquals(1, broadcaster.cameraLeft());
        assertEquals(1, out.completes());
    }

    /**
     * Tomcat enters its error state after WriteListener.onError, where the stream was completed; the
     * AsyncListener's onError then completes it again, or Tomcat counts the error as the application's (500).
     */
    @Test
    void anErrorTheContainerReportsAfterTheStreamEndedIsCompletedAgainInTheAsyncListener() {
        startWritable();
        viewer.onError(new IOException("Broken pipe (scripted)"));
        assertEquals(1, out.completes());
        int[] asked = new int[1];
        AsyncContext async = (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("complete") && asked[0]++ > 0) {
                        throw new IllegalStateException("completed already (scripted)");
                    }
                    return null;
                });
        AsyncEvent error = new AsyncEvent(async, null, null, new IOException("Broken pipe (scripted)"));

        viewer.onError(error);
        viewer.onError(error); // a container that has no error state refuses a second complete: nothing escapes

        assertEquals(2, asked[0]);
        assertEquals(1, out.completes(), "the stream itself ends once");
        assertEquals(0, broadcaster.cameraViewerCount());
    }

    @Test
    void tickNeverClosesAnIdleViewerHoweverLongNothingIsWritten() {
        startWritable();

        broadcaster.tick(System.nanoTime() + TimeUnit.DAYS.toNanos(1));

        assertEquals(State.IDLE, viewer.state());
        assertEquals(0, out.completes());
        assertEquals(1, broadcaster.cameraViewerCount());
    }

    @Test
    void tickDuringAWriteDoesNotCloseEvenPastTheStallTimeout() {
        startWritable();
        out.onNextWrite(() -> broadcaster.tick(System.nanoTime() + TimeUnit.DAYS.toNanos(1)));

        publish();
        executor.runAll();

        assertEquals(State.IDLE, viewer.state());
        assertEquals(List.of(1L), out.written());
        assertEquals(0, out.completes());
    }

    @Test
    void tickClosesAWaitingViewerOnlyOnceItWaitedLongerThanTheStallTimeout() {
        startWritable();
        out.setReady(false);
        long before = System.nanoTime();
        publish();
        executor.runAll();
        long after = System.nanoTime();
        assertEquals(State.PENDING, viewer.state());

        broadcaster.tick(before + STALL_NANOS);
        assertEquals(State.PENDING, viewer.state(), "waited at most the stall timeout");
        assertEquals(0, out.completes());

        broadcaster.tick(after + STALL_NANOS + 1);
        assertClosedOnceBy(Thread.currentThread());
        nothingIsWrittenAfterwards();
    }

    @Test
    void tickClosesAViewerWhoseContainerNeverSaidTheOutputWasReady() {
        long after = System.nanoTime();
        viewer.start();

        broadcaster.tick(after + STALL_NANOS + 1);

        assertClosedOnceBy(Thread.currentThread());
        assertEquals(List.of(), out.events().stream().filter(e -> !e.equals("complete")).toList());
    }

    private static void join(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertFalse(t.isAlive(), t.getName() + " still running");
    }
}
