package camstream.web;

import camstream.web.LatestWinsWriter.Action;
import camstream.web.LatestWinsWriter.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared writer state machine over a scripted transport: each offered piece says what its step
 * does (written at once, a transfer whose callback comes later, one that fails, a throw) and what
 * happens meanwhile inside the call (a callback, a close, on this thread or another). Every
 * interleaving is written out; the model checks explore the rest.
 */
class LatestWinsWriterTest {

    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** What the step for one piece does. */
    enum Step {
        /** Written at once. */
        WRITE,
        /** A transfer whose callback is owed afterwards. */
        TRANSFER,
        /** The transport throws. */
        THROW
    }

    /** One piece to send, what its step does, and what happens inside the call. */
    record Piece(int n, Step step, Runnable during) {
    }

    /** The transport: one thread at a time inside it, at most one transfer out, nothing after the end. */
    final class Transport extends LatestWinsWriter {
        final Queue<Piece> pending = new ConcurrentLinkedQueue<>();
        final List<Integer> sent = Collections.synchronizedList(new ArrayList<>());
        final List<Thread> steppedBy = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> stackDepths = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inside = new AtomicInteger();
        final AtomicBoolean out = new AtomicBoolean();
        final AtomicInteger closings = new AtomicInteger();
        final AtomicInteger ends = new AtomicInteger();
        volatile Runnable whenNothingPending;
        volatile Thread endedBy;
        volatile String reason;
        volatile boolean inFlight;

        Transport(State initial) {
            super("test-client", initial, STALL_NANOS, "send", "message");
        }

        /** Offers a piece; true if the caller must now run drain(). */
        boolean offer(Step step, Runnable during) {
            if (closed()) {
                return false;
            }
            pending.add(new Piece(sent.size() + pending.size() + 1, step, during));
            return wake();
        }

        @Override
        Action process() throws IOException {
            if (inside.incrementAndGet() != 1) {
                violations.add("two threads in the transport");
            }
            if (ends.get() > 0) {
                violations.add("a step after the end");
            }
            try {
                steppedBy.add(Thread.currentThread());
                stackDepths.add(Thread.currentThread().getStackTrace().length);
                Piece p = pending.poll();
                if (p == null) {
                    Runnable r = whenNothingPending;
                    whenNothingPending = null;
                    if (r != null) {
                        r.run();
                    }
                    return Action.IDLE;
                }
                if (p.step == Step.THROW) {
                    throw new IOException("Broken pipe (scripted)");
                }
                if (p.step == Step.TRANSFER && !out.compareAndSet(false, true)) {
                    violations.add("a transfer while another was out");
                }
                sent.add(p.n);
                p.during.run();
                return p.step == Step.WRITE ? Action.CONTINUE : Action.SCHEDULED;
            } finally {
                inside.decrementAndGet();
            }
        }

        /** The transport's callback for the transfer that is out. */
        void complete(Throwable failure) {
            if (!out.compareAndSet(true, false)) {
                violations.add("a callback with no transfer out");
            }
            if (failure == null) {
                succeeded();
            } else {
                failed(failure);
            }
        }

        @Override
        boolean hasPending() {
            return !pending.isEmpty();
        }

        @Override
        void onClosing() {
            closings.incrementAndGet();
        }

        @Override
        void onClosed(String reason, boolean inFlight) {
            if (ends.incrementAndGet() > 1) {
                violations.add("ended twice");
            }
            if (inside.get() != 0) {
                violations.add("ended during a call into the transport");
            }
            this.endedBy = Thread.currentThread();
            this.reason = reason;
            this.inFlight = inFlight;
        }
    }

    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final Transport writer = new Transport(State.IDLE);

    @AfterEach
    void theTransportSawNoBrokenRule() {
        assertEquals(List.of(), List.copyOf(violations));
    }

    private static final Runnable NOTHING = () -> { };

    /** Offers a piece and, if that made the writer busy, drains on this thread, as the broadcaster's executor would. */
    private void offerAndDrain(Step step, Runnable during) {
        if (writer.offer(step, during)) {
            writer.drain();
        }
    }

    private static Thread run(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.start();
        try {
            t.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertFalse(t.isAlive(), name + " still running");
        return t;
    }

    private void assertEndedOnceBy(Thread by, boolean inFlight) {
        assertEquals(State.CLOSED, writer.state());
        assertEquals(1, writer.ends.get());
        assertSame(by, writer.endedBy);
        assertEquals(inFlight, writer.inFlight, "in flight");
    }

    /** After the end nothing reaches the transport again, whatever arrives. */
    private void nothingHappensAfterwards() {
        int steps = writer.steppedBy.size();
        assertFalse(writer.offer(Step.WRITE, NOTHING), "an offer after the end");
        if (writer.out.get()) {
            writer.complete(null);
        }
        writer.close("again");
        writer.tick(System.nanoTime() + 2 * STALL_NANOS);
        assertEquals(steps, writer.steppedBy.size());
        assertEquals(1, writer.ends.get());
    }

    @Test
    void piecesWrittenAtOnceGoOutInOneDrainThatEndsIdle() {
        assertTrue(writer.offer(Step.WRITE, NOTHING));
        assertEquals(State.WRITING, writer.state(), "the offer made its caller the writer");
        assertFalse(writer.offer(Step.WRITE, NOTHING), "a second offer finds the writer busy");

        writer.drain();

        assertEquals(List.of(1, 2), writer.sent);
        assertEquals(State.IDLE, writer.state());
    }

    @Test
    void anOfferBetweenFindingNothingAndGoingIdleIsTakenByTheSameWriter() {
        writer.whenNothingPending = () -> assertFalse(writer.offer(Step.WRITE, NOTHING), "the writer is still busy");

        offerAndDrain(Step.WRITE, NOTHING);

        assertEquals(List.of(1, 2), writer.sent, "the writer looked again after going IDLE");
        assertEquals(State.IDLE, writer.state());
    }

    @Test
    void aCallbackAfterTheWriterLeftMakesItsThreadTheWriter() {
        offerAndDrain(Step.TRANSFER, NOTHING);
        assertEquals(State.PENDING, writer.state(), "the writer left: the transport owes the callback");
        assertFalse(writer.offer(Step.WRITE, NOTHING), "an offer while PENDING leaves its piece for the callback");

        Thread container = run("container", () -> writer.complete(null));

        assertEquals(List.of(1, 2), writer.sent);
        assertSame(container, writer.steppedBy.get(writer.steppedBy.size() - 1));
        assertEquals(State.IDLE, writer.state());
    }

    @Test
    void aCallbackDuringTheCallMakesTheWriterGoOnWithoutRecursion() {
        offerAndDrain(Step.TRANSFER, NOTHING);
        writer.offer(Step.TRANSFER, () -> writer.complete(null)); // completes inline
        writer.offer(Step.TRANSFER, () -> {
            assertEquals(State.WRITING, writer.state());
            run("container", () -> writer.complete(null)); // completes at once, on another thread
            assertEquals(State.WRITING_AGAIN, writer.state(), "the callback found the writer still in its call");
        });
        writer.offer(Step.WRITE, NOTHING);

        writer.complete(null);

        assertEquals(List.of(1, 2, 3, 4), writer.sent);
        assertEquals(State.IDLE, writer.state());
        int first = writer.stackDepths.get(1);
        assertTrue(writer.stackDepths.stream().skip(1).allMatch(d -> d == first),
                "every step at the same stack depth: " + writer.stackDepths);
        assertTrue(writer.steppedBy.stream().allMatch(t -> t == Thread.currentThread()),
                "the thread of the first callback did every step");
    }

    @Test
    void aCloseDuringTheCallOnlyRecordsTheWishAndTheWriterEndsOnceItsCallReturned() {
        Thread[] closer = new Thread[1];
        offerAndDrain(Step.WRITE, () -> {
            closer[0] = run("container", () -> writer.close("connection error (scripted)"));
            // The closing thread has returned while the writer is still inside its call.
            assertEquals(State.CLOSING, writer.state());
            assertEquals(0, writer.ends.get());
        });

        assertEndedOnceBy(Thread.currentThread(), false);
        assertEquals("connection error (scripted)", writer.reason);
        assertEquals(1, writer.closings.get(), "told at once, to stop taking offers");
        nothingHappensAfterwards();
    }

    @Test
    void aCloseDuringATransferCallEndsWithTheTransferStillInFlight() {
        offerAndDrain(Step.TRANSFER, () -> run("container", () -> writer.close("closed by the peer")));

        assertEndedOnceBy(Thread.currentThread(), true);
        writer.complete(null); // the late callback finds it ended
        nothingHappensAfterwards();
    }

    @Test
    void aCloseDuringACallWhoseCallbackAlsoCameEndsWithNothingInFlight() {
        offerAndDrain(Step.TRANSFER, () -> {
            writer.complete(null);
            run("container", () -> writer.close("closed by the peer"));
        });

        assertEndedOnceBy(Thread.currentThread(), false);
        nothingHappensAfterwards();
    }

    @Test
    void aCloseWhilePendingEndsAtOnceOnTheClosingThreadWithTheTransferInFlight() {
        offerAndDrain(Step.TRANSFER, NOTHING);

        Thread closer = run("closer", () -> writer.close("server stopping"));

        assertEndedOnceBy(closer, true);
        assertEquals(0, writer.closings.get());
        nothingHappensAfterwards();
    }

    @Test
    void aCloseWhileIdleEndsAtOnceWithNothingInFlight() {
        offerAndDrain(Step.TRANSFER, NOTHING);
        writer.complete(null);
        assertEquals(State.IDLE, writer.state());

        Thread closer = run("closer", () -> writer.close("server stopping"));

        assertEndedOnceBy(closer, false);
        nothingHappensAfterwards();
    }

    @Test
    void aFailureInsideTheCallIsEndedByTheWriterAfterIt() {
        offerAndDrain(Step.TRANSFER, () -> {
            writer.complete(new IOException("Connection reset (scripted)"));
            assertEquals(State.CLOSING, writer.state());
        });

        assertEndedOnceBy(Thread.currentThread(), true);
        assertEquals("send failed: IOException", writer.reason);
        nothingHappensAfterwards();
    }

    @Test
    void aFailureLaterIsEndedByTheCallbacksThread() {
        offerAndDrain(Step.TRANSFER, NOTHING);

        Thread container = run("container", () -> writer.complete(new IOException("Connection reset (scripted)")));

        assertEndedOnceBy(container, true);
        assertEquals("send failed: IOException", writer.reason);
        nothingHappensAfterwards();
    }

    @Test
    void aStepThatThrowsIsEndedByTheWriterWithNothingInFlight() {
        offerAndDrain(Step.THROW, NOTHING);

        assertEndedOnceBy(Thread.currentThread(), false);
        assertEquals("send failed: IOException", writer.reason);
        nothingHappensAfterwards();
    }

    @Test
    void theFirstReasonGivenIsTheOneTheEndReports() {
        offerAndDrain(Step.WRITE, () -> {
            writer.close("first");
            writer.close("second");
        });

        assertEquals("first", writer.reason);
    }

    @Test
    void tickEndsOnlyAWriterPendingLongerThanTheStallTimeout() {
        writer.tick(System.nanoTime() + TimeUnit.DAYS.toNanos(1));
        assertEquals(State.IDLE, writer.state(), "nothing to send is not a stall");
        offerAndDrain(Step.WRITE, () -> writer.tick(System.nanoTime() + TimeUnit.DAYS.toNanos(1)));
        assertEquals(State.IDLE, writer.state(), "a writer inside its call is not stalled");

        long before = System.nanoTime();
        offerAndDrain(Step.TRANSFER, NOTHING);
        long after = System.nanoTime();
        writer.tick(before + STALL_NANOS);
        assertEquals(State.PENDING, writer.state(), "pending at most the stall timeout");

        writer.tick(after + STALL_NANOS + 1);

        assertEndedOnceBy(Thread.currentThread(), true);
        assertEquals("stalled: accepted no message for 5 s", writer.reason);
        nothingHappensAfterwards();
    }

    @Test
    void aWriterThatStartsPendingWaitsForTheTransportsFirstCallback() {
        Transport owed = new Transport(State.PENDING);
        assertFalse(owed.offer(Step.WRITE, NOTHING), "nobody writes before the first callback");

        owed.succeeded();

        assertEquals(List.of(1), owed.sent);
        assertEquals(State.IDLE, owed.state());
    }

    @Test
    void aWriterThatNeverHadItsFirstCallbackStallsAndEndsWithNothingSent() {
        Transport owed = new Transport(State.PENDING);
        long after = System.nanoTime();
        owed.tick(after + STALL_NANOS / 2);
        assertEquals(State.PENDING, owed.state());

        owed.tick(after + STALL_NANOS + 1);

        assertEquals(State.CLOSED, owed.state());
        assertEquals(1, owed.ends.get());
        assertTrue(owed.sent.isEmpty());
        assertEquals("stalled: accepted no message for 5 s", owed.reason);
    }
}
