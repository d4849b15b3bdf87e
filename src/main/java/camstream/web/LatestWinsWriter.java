package camstream.web;

import camstream.stream.AtomicEnum;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The writer of one connection that holds only the newest of what waits to be sent, shaped like
 * Jetty's {@code IteratingCallback}: exactly one thread at a time, the writer, hands data to the
 * transport, one step per {@link #process} call, and the transport's callback ({@link #succeeded},
 * {@link #failed}) continues where the writer stopped. One implementation per transport:
 * {@link MultipartViewer} (a servlet output stream) and {@link SocketViewer} (WebSocket async sends).
 * <pre>
 *   IDLE            --wake (an offer)-----> WRITING        wake() returned true: its caller runs drain() on its executor
 *   WRITING         --process: CONTINUE---> WRITING        written at once; the writer goes on
 *   WRITING         --process: SCHEDULED--> PENDING        the transport owes a callback
 *   WRITING         --callback------------> WRITING_AGAIN  it came before the writer could wait (inline, or at once elsewhere)
 *   WRITING_AGAIN   --writer looks--------> WRITING        the writer goes on instead of waiting: no lost wakeup, no recursion
 *   PENDING         --callback------------> WRITING        the callback's thread becomes the writer and drains
 *   WRITING         --process: IDLE-------> IDLE           nothing pending (then WRITING again if an offer came meanwhile)
 *   IDLE, PENDING   --close---------------> CLOSED         nobody writes: the closing thread ends the connection
 *   WRITING(_AGAIN) --close---------------> CLOSING        only recorded: the writer ends it when its call has returned
 *   CLOSING         --writer looks--------> CLOSED         the writer ends the connection
 * </pre>
 * All of these are in {@link #next}; every entry point applies one event atomically and acts on the
 * state it found. A close comes from any path (the client, the container, a failed transfer, a stall
 * seen by {@link #tick}, shutdown) and ends the connection exactly once, in {@link #onClosed}: the
 * connection is never ended in the middle of a call into the container, and nothing here takes a lock.
 *
 * <p>The writer looks at the state before each call into the container (before each step, and a step
 * that makes a second call looks again): after a close it makes at most the one call it is already in.
 * Only a container callback that ends the connection ({@link #closeFromContainer}) waits for that call
 * to return, as the container may recycle the response once the callback returns; the wait is one
 * non-blocking call long. Nothing else ever waits for the writer.
 *
 * <p>As a viewer's state changes several times per frame, it is held as an ordinal ({@link AtomicEnum}),
 * and nothing here allocates per frame.
 */
abstract class LatestWinsWriter {

    private static final Logger LOG = Logger.getLogger(LatestWinsWriter.class.getName());
    /** The longest a container callback waits for the writer's call; it is non-blocking, so only a starved thread takes long. */
    private static final long WRITER_WAIT_MILLIS = 2000;

    enum State {
        /** Nothing pending and nobody writes; the next offer makes its broadcaster's executor the writer. */
        IDLE,
        /** One thread, the writer, owns the transport. */
        WRITING,
        /** The transport's callback came while the writer was in its call or just out of it; the writer goes on. */
        WRITING_AGAIN,
        /** The transport owes a callback, which makes its thread the writer; nobody writes meanwhile. */
        PENDING,
        /** A close came while a writer works; the writer ends the connection. */
        CLOSING,
        /** Ended, or being ended by the thread that moved here. */
        CLOSED
    }

    /** What one step of {@link #process} came to. */
    enum Action {
        /** Nothing is pending. */
        IDLE,
        /**
         * The transport owes a callback: it is not ready, or an async transfer started. The callback
         * may already have come, inline or on another thread.
         */
        SCHEDULED,
        /** Written at once; the writer goes on. */
        CONTINUE
    }

    /** What happens to a writer; {@link #next} says where each one takes it. */
    private enum Event {
        /** Something was offered. */
        WAKE,
        /** The transport's callback: ready again, or the transfer completed. */
        CALLBACK,
        /** The writer's step returned {@link Action#SCHEDULED}. */
        SCHEDULED,
        /** The writer's step found nothing pending. */
        NOTHING_PENDING,
        /** The writer looks before each step. */
        WRITER_LOOKS,
        /** Any path wants the connection ended. */
        CLOSE
    }

    private final String name;
    private final long stallNanos;
    private final String transfer;
    private final String unit;

    private final AtomicEnum<State> state;
    /**
     * Callbacks the transport owes: one more when a step returned SCHEDULED, one fewer with each
     * callback, which may come first (then it is briefly -1). Above 0 when the connection ends, a
     * transfer is still out.
     */
    private final AtomicInteger owed;
    private final AtomicReference<String> closeReason = new AtomicReference<>();
    /** Counted down when {@link #onClosed} has returned. */
    private final CountDownLatch ended = new CountDownLatch(1);
    /**
     * The thread in {@link #drain}, by id, 0 for none: a container callback on that very thread must
     * not wait for itself. A writer leaving clears it only if it still names that writer: the next one
     * may already have set itself. An id rather than the Thread, for the reason {@link AtomicEnum} gives.
     */
    private final AtomicLong writer = new AtomicLong();
    private volatile long pendingSince = System.nanoTime();
    /** A transfer failed: what it sent may be cut off, so the end must not wait for the transport either. */
    private volatile boolean broken;

    /**
     * @param name       the client, for log lines
     * @param initial    IDLE, or PENDING if the transport owes a callback from the start
     * @param stallNanos how long a writer may stay PENDING before {@link #tick} ends the connection
     * @param transfer   one step's verb, for close reasons ("write", "send")
     * @param unit       what the transport accepts, for close reasons ("bytes", "message")
     */
    LatestWinsWriter(String name, State initial, long stallNanos, String transfer, String unit) {
        if (initial != State.IDLE && initial != State.PENDING) {
            throw new IllegalArgumentException("A writer starts IDLE or PENDING, not " + initial);
        }
        this.name = name;
        this.stallNanos = stallNanos;
        this.transfer = transfer;
        this.unit = unit;
        this.state = new AtomicEnum<>(initial);
        this.owed = new AtomicInteger(initial == State.PENDING ? 1 : 0);
    }

    /**
     * One step, on the writer's thread: hands the transport at most one piece (or asks whether it is
     * ready) and says what came of it. Before a second call into the container in the same step it
     * looks at {@link #closed} again. A throw ends the connection.
     */
    abstract Action process() throws Exception;

    /** Whether anything waits to be sent; asked after a step found nothing, for an offer that came meanwhile. */
    abstract boolean hasPending();

    /** The close is recorded while a writer works; stop taking offers now. The writer ends the connection. */
    void onClosing() {
    }

    /**
     * Ends the connection; called once, on the thread that moved this writer to CLOSED.
     *
     * @param inFlight a transfer is still out or failed part way, so nothing may be sent behind it
     */
    abstract void onClosed(String reason, boolean inFlight);

    /** Every transition: the state {@code e} takes a writer in {@code s} to; {@code s} if it does not apply there. */
    private static State next(State s, Event e) {
        return switch (e) {
            case WAKE -> s == State.IDLE ? State.WRITING : s;
            case CALLBACK -> switch (s) {
                case PENDING -> State.WRITING;
                case WRITING -> State.WRITING_AGAIN;
                default -> s;
            };
            case SCHEDULED -> switch (s) {
                case WRITING -> State.PENDING;
                case WRITING_AGAIN -> State.WRITING;
                default -> s;
            };
            case NOTHING_PENDING -> s == State.WRITING ? State.IDLE : s;
            case WRITER_LOOKS -> switch (s) {
                case WRITING_AGAIN -> State.WRITING;
                case CLOSING -> State.CLOSED;
                default -> s;
            };
            case CLOSE -> switch (s) {
                case IDLE, PENDING -> State.CLOSED;
                case WRITING, WRITING_AGAIN -> State.CLOSING;
                default -> s;
            };
        };
    }

    /** Applies {@code e} atomically; returns the state it found. */
    private State apply(Event e) {
        for (;;) {
            State from = state.get();
            State to = next(from, e);
            if (to == from || state.compareAndSet(from, to)) {
                return from;
            }
        }
    }

    State state() {
        return state.get();
    }

    /** Closing or closed: offers are refused. */
    final boolean closed() {
        State s = state.get();
        return s == State.CLOSING || s == State.CLOSED;
    }

    /**
     * After an offer left something pending: true if this call made the writer busy, and its caller
     * must then run {@link #drain} (or, if it cannot, {@link #close} then {@link #drain}).
     */
    final boolean wake() {
        return apply(Event.WAKE) == State.IDLE;
    }

    /** The writer's loop; runs only on the thread that moved this writer to WRITING. */
    public final void drain() {
        long me = Thread.currentThread().getId();
        writer.set(me);
        try {
            write();
        } finally {
            writer.compareAndSet(me, 0);
        }
    }

    private void write() {
        for (;;) {
            switch (apply(Event.WRITER_LOOKS)) {
                case WRITING, WRITING_AGAIN -> { }
                case CLOSING -> {
                    end();
                    return;
                }
                default -> {
                    return; // not the writer: never, drain() follows a move to WRITING
                }
            }
            Action action;
            try {
                action = process();
            } catch (Exception e) {
                LOG.log(Level.FINE, e, () -> "A " + transfer + " to " + name + " failed");
                close(transfer + " failed: " + e.getClass().getSimpleName()); // still the writer: its next look ends it
                continue;
            }
            switch (action) {
                case CONTINUE -> { }
                case SCHEDULED -> {
                    owed.incrementAndGet(); // before PENDING: a close there must see the transfer out
                    pendingSince = System.nanoTime();
                    if (apply(Event.SCHEDULED) == State.WRITING) {
                        return; // PENDING: the callback goes on
                    }
                    // WRITING_AGAIN: the callback came already, go on; CLOSING: the next look ends it.
                }
                case IDLE -> {
                    // An offer between the step and IDLE saw WRITING and left its data for this writer.
                    if (apply(Event.NOTHING_PENDING) == State.WRITING && (!hasPending() || !wake())) {
                        return;
                    }
                }
            }
        }
    }

    /** The transport's callback: it is ready again, or the transfer completed. Pending, this thread becomes the writer. */
    public final void succeeded() {
        owed.decrementAndGet();
        if (apply(Event.CALLBACK) == State.PENDING) {
            drain();
        }
    }

    /** The transport's callback for a transfer that failed: the connection ends (by the writer, if one works). */
    public final void failed(Throwable failure) {
        LOG.log(Level.FINE, failure, () -> "A " + transfer + " to " + name + " failed");
        broken = true;
        owed.decrementAndGet();
        close(transfer + " failed: " + failure.getClass().getSimpleName());
    }

    /** A writer that has waited for its callback longer than the stall timeout ends the connection. */
    public final void tick(long nowNanos) {
        if (state.get() == State.PENDING && nowNanos - pendingSince > stallNanos) {
            close("stalled: accepted no " + unit + " for " + TimeUnit.NANOSECONDS.toSeconds(stallNanos) + " s");
        }
    }

    /**
     * Ends this connection once, whichever path gets here first; safe from any thread and more than once.
     * If a writer works, only records the wish: the writer ends it when its call has returned.
     */
    public final void close(String why) {
        closeReason.compareAndSet(null, why);
        switch (apply(Event.CLOSE)) {
            case IDLE, PENDING -> end();
            case WRITING, WRITING_AGAIN -> onClosing();
            default -> { }
        }
    }

    /**
     * A close by a container callback that ends the connection (an error, a timeout). Once the callback
     * returns, the container may complete the response itself and recycle its objects for the next
     * request, so the call the writer is in must have returned first: otherwise that call lands on
     * another client's response. Seen in Tomcat 10.1: a flush that failed after onError had returned
     * set its error on the recycled response of the next request, whose stream then ended right after
     * its headers. So this waits until the connection is ended, unless this thread is the writer (a
     * container may report an error inside the writer's own call).
     */
    final void closeFromContainer(String why) {
        close(why);
        if (writer.get() == Thread.currentThread().getId()) {
            return;
        }
        try {
            if (!ended.await(WRITER_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> "The writer to " + name + " was still in a call " + WRITER_WAIT_MILLIS
                        + " ms after the container ended the connection");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void end() {
        try {
            onClosed(closeReason.get(), broken || owed.get() > 0);
        } finally {
            ended.countDown();
        }
    }
}
