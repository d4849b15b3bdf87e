package camstream.web;

import camstream.stream.AtomicEnum;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.PendingFrame;
import camstream.stream.SocketMessage;
import camstream.stream.Viewer;
import camstream.stream.ViewerStats;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket connection that shows any set of cameras. Each camera it watches is a
 * {@link Subscription}, a {@link Viewer} of that camera's broadcaster holding at most one pending
 * frame, the newest. A session allows one outstanding send, so the connection has one writer that
 * serves the subscriptions with a pending frame in turn.
 *
 * <p>Who may send is decided by one state machine, as in {@link MultipartViewer}. Exactly one thread,
 * the writer, owns the connection in WRITING: whoever moved it there (an offer, whose broadcaster runs
 * {@link #drain} on its executor, or the completion of the previous send). In SENDING no thread of
 * ours owns it: the container holds the message, the writer has left the container's call, and the
 * completion becomes the next writer. A close in WRITING (the writer may be inside the container's
 * call) only records the wish and the writer ends the connection; a close in IDLE or SENDING ends it at
 * once (in SENDING that fails the outstanding send, whose completion then finds CLOSED).
 * <pre>
 *   IDLE     --offer------------------> WRITING   offer() returns true: drain() runs on the broadcaster's executor
 *   WRITING  --out of the send call---> SENDING   the message is still out; its completion continues
 *   WRITING  --completed in the call--> WRITING   inline, or at once on another thread: the writer goes on
 *   SENDING  --send completed---------> WRITING   on the container's thread
 *   WRITING  --nothing pending--------> IDLE
 *   IDLE, SENDING --close-------------> CLOSED    the closing thread ends the connection
 *   WRITING  --close------------------> CLOSING   the writer ends it when it looks next
 *   CLOSING  --writer sees it---------> CLOSED
 * </pre>
 * Nothing here holds a lock while it calls into the container.
 */
public final class SocketViewer {

    private static final Logger LOG = Logger.getLogger(SocketViewer.class.getName());

    /** The container's side of one connection. */
    interface Sender {
        /**
         * Starts sending one binary message; calls {@code done} once, with null or the failure, when it
         * was sent: possibly before returning, on the calling thread, or later on another. May throw if
         * the connection is closed.
         */
        void send(ByteBuffer message, Consumer<Throwable> done);

        /** Closes the connection without waiting; {@code inFlight}: a message is still being sent, so a close frame cannot follow it. */
        void close(String why, boolean inFlight);
    }

    enum State {
        /** Nothing is being sent and nothing is pending; the next offer makes its broadcaster's executor the writer. */
        IDLE,
        /** One thread, the writer, chooses the next message and hands it to the container. */
        WRITING,
        /** A message is with the container and the writer has left its call; the completion becomes the writer. */
        SENDING,
        /** close() arrived while WRITING; the writer ends the connection. */
        CLOSING,
        /** Ended, or being ended by the thread that moved here. */
        CLOSED
    }

    private final String client;
    private final Sender sender;
    private final long stallNanos;
    private final SocketHub hub;

    private final AtomicEnum<State> state = new AtomicEnum<>(State.IDLE);
    /** Subscriptions with a pending frame, each at most once, served in turn. */
    private final Queue<Subscription> ready = new ConcurrentLinkedQueue<>();
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicReference<String> closeReason = new AtomicReference<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long sendingSince;

    // Touched only by the writer.
    private long messagesSent;

    SocketViewer(String client, Sender sender, long stallNanos, SocketHub hub) {
        this.client = client;
        this.sender = sender;
        this.stallNanos = stallNanos;
        this.hub = hub;
    }

    State state() {
        return state.get();
    }

    /**
     * Watches exactly these cameras from now on: joins the broadcasters of the new ones, leaves the
     * others. Called with each of the client's requests, one at a time.
     */
    void watch(Collection<Target> cameras) {
        Map<String, Target> wanted = new LinkedHashMap<>();
        for (Target t : cameras) {
            wanted.putIfAbsent(t.camera(), t); // one subscription per camera: its id labels the pictures
        }
        for (Subscription s : subscriptions.values()) {
            Target t = wanted.get(s.camera);
            if (t == null || !t.options().equals(s.target.options())) {
                leave(s);
            }
        }
        for (Target t : wanted.values()) {
            if (closed()) {
                return;
            }
            if (!subscriptions.containsKey(t.camera())) {
                Ticket ticket;
                try {
                    ticket = t.door().enter();
                } catch (Refused refused) {
                    LOG.fine(() -> "Socket " + client + " may not watch " + t.camera() + ": " + refused.getMessage());
                    continue;
                }
                Subscription s = new Subscription(t, ticket);
                subscriptions.put(t.camera(), s);
                s.broadcaster.add(s, t.fps());
                // A close that ran between the put and the add did not see this one in the broadcaster.
                if (closed()) {
                    leave(s);
                }
            }
        }
    }

    /**
     * A camera to watch: its id, the options asked for it ({@code width=320&fps=5}, as a stream URL's
     * query; "" for none), the most new pictures a second (0 for every one), and the door that lets
     * it in: the viewer limits and the stream of the size asked for, held by a {@link Ticket}.
     */
    record Target(String camera, String options, double fps, Gate.Door door) {

        /** A camera without options or viewer limits (tests). */
        Target(String camera, Broadcaster broadcaster) {
            this(camera, "", 0, () -> new Ticket(null, broadcaster, () -> { }));
        }
    }

    private boolean closed() {
        State s = state.get();
        return s == State.CLOSING || s == State.CLOSED;
    }

    private void leave(Subscription s) {
        s.active = false;
        s.pending.clear();
        subscriptions.remove(s.camera, s);
        s.broadcaster.remove(s);
        s.ticket.release();
    }

    /** Offered a frame for {@code s}: queues it, and returns true if this call made the connection busy. */
    private boolean offer(Subscription s, Frame frame) {
        if (!s.active || closed()) {
            return false;
        }
        if (s.pending.put(frame)) {
            s.broadcaster.countSkipped();
            s.stats.skipped();
        }
        if (s.queued.compareAndSet(false, true)) {
            ready.add(s);
        }
        return state.get() == State.IDLE && state.compareAndSet(State.IDLE, State.WRITING);
    }

    /** The writer's loop: hands the pending frames over one at a time. Runs only in WRITING. */
    void drain() {
        try {
            for (;;) {
                State st = state.get();
                if (st == State.CLOSING) {
                    end(false);
                    return;
                }
                if (st != State.WRITING) {
                    return; // CLOSED: a failed send ended it
                }
                Subscription s = ready.poll();
                if (s == null) {
                    if (state.compareAndSet(State.WRITING, State.IDLE)) {
                        // An offer between the poll and IDLE saw WRITING and left its subscription for us.
                        if (ready.isEmpty() || !state.compareAndSet(State.IDLE, State.WRITING)) {
                            return;
                        }
                    }
                    continue;
                }
                s.queued.set(false);
                Frame f = s.pending.take();
                if (f == null || !s.active || f.sequence() <= s.lastSequence) {
                    continue;
                }
                s.lastSequence = f.sequence();
                messagesSent++;
                hub.countSent(s.camera);
                // Counted when handed over: the completion may come on another thread, after the next writer started.
                s.stats.sent(f, f.socketMessage(s.prefix).length);
                // A view of the shared bytes: its position is this send's own.
                ByteBuffer message = ByteBuffer.wrap(f.socketMessage(s.prefix));
                Send send = new Send();
                sendingSince = System.nanoTime();
                try {
                    sender.send(message, failure -> sent(send, failure));
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, e, () -> "Send to " + client + " failed");
                    closeReason.compareAndSet(null, "send failed: " + e.getClass().getSimpleName());
                    state.set(State.CLOSING); // still the writer: the loop ends it
                    continue;
                }
                // Out of the container's call: only now may a close end the connection without the writer.
                if (!state.compareAndSet(State.WRITING, State.SENDING)) {
                    // CLOSING: a close came during the call; the writer ends it, the message perhaps still out.
                    end(send.phase.compareAndSet(Send.IN_CALL, Send.LEFT));
                    return;
                }
                if (send.phase.compareAndSet(Send.IN_CALL, Send.LEFT)) {
                    return; // still out: its completion is the next writer
                }
                // It completed during the call (inline, or on another thread at once): this writer goes on.
                if (send.failure != null) {
                    close("send failed: " + send.failure.getClass().getSimpleName());
                    return;
                }
                if (!state.compareAndSet(State.SENDING, State.WRITING)) {
                    return; // a close that saw SENDING ended the connection
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "A socket's writer failed", e);
            close("failed: " + e.getClass().getSimpleName());
            if (state.get() == State.CLOSING) {
                end(false); // it was the writer's turn: the close only recorded the wish
            }
        }
    }

    /**
     * One message handed to the container. Its phase tells the completion whether the writer is still
     * in the container's call (then the writer goes on when the call returns, so an inline completion
     * never recurses) or has left it (then the completion becomes the next writer).
     */
    private static final class Send {
        static final int IN_CALL = 0;
        static final int COMPLETED = 1;
        static final int LEFT = 2;
        final java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger(IN_CALL);
        volatile Throwable failure;
    }

    /** The container finished a send: if the writer has left its call, the completing thread becomes the writer. */
    private void sent(Send send, Throwable failure) {
        if (failure != null) {
            LOG.log(Level.FINE, failure, () -> "Send to " + client + " failed");
            send.failure = failure;
        }
        if (send.phase.compareAndSet(Send.IN_CALL, Send.COMPLETED)) {
            return; // the writer, still in its call, sees it when the call returns
        }
        if (failure != null) {
            close("send failed: " + failure.getClass().getSimpleName());
            return;
        }
        if (state.compareAndSet(State.SENDING, State.WRITING)) {
            drain();
        } // else CLOSED: a close ended the connection while the message was out
    }

    /** A send the container has held for the stall timeout means the client accepts nothing: the connection ends. */
    void tick(long nowNanos) {
        if (state.get() == State.SENDING && nowNanos - sendingSince > stallNanos) {
            close("stalled: accepted no message for " + TimeUnit.NANOSECONDS.toSeconds(stallNanos) + " s");
        }
    }

    /** Ends this connection once, whichever path gets here first; safe from any thread and more than once. */
    void close(String why) {
        for (;;) {
            State s = state.get();
            switch (s) {
                case IDLE, SENDING -> {
                    if (state.compareAndSet(s, State.CLOSED)) {
                        closeReason.compareAndSet(null, why);
                        end(s == State.SENDING);
                        return;
                    }
                }
                case WRITING -> {
                    if (state.compareAndSet(s, State.CLOSING)) {
                        closeReason.compareAndSet(null, why);
                        leaveAll();
                        return;
                    }
                }
                case CLOSING, CLOSED -> {
                    return;
                }
            }
        }
    }

    private void leaveAll() {
        for (Subscription s : subscriptions.values()) {
            leave(s);
        }
    }

    /** Leaves every broadcaster and closes the session; once, on the thread that moved to CLOSED or the writer that saw CLOSING. */
    private void end(boolean inFlight) {
        state.set(State.CLOSED);
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        leaveAll();
        ready.clear();
        try {
            sender.close(closeReason.get(), inFlight);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Closing " + client + " failed");
        }
        hub.remove(this);
        LOG.fine(() -> "Socket " + client + " disconnected after " + messagesSent + " pictures (" + closeReason.get()
                + "); " + hub.connections() + " sockets open");
    }

    /** One camera on this connection: a viewer of its broadcaster with at most one pending frame. */
    final class Subscription implements Viewer {
        final Target target;
        final String camera;
        final Broadcaster broadcaster;
        final byte[] prefix;
        final ViewerStats stats;
        /** Released once, by whichever leaves first: the watch request that drops the camera, or the close. */
        final Ticket ticket;
        final PendingFrame pending;
        /** In {@link #ready} (or about to be); set by the offer that queued it, cleared by the writer that took it. */
        final AtomicBoolean queued = new AtomicBoolean();
        volatile boolean active = true;
        /** Touched only by the writer. */
        long lastSequence = -1;

        Subscription(Target target, Ticket ticket) {
            this.target = target;
            this.ticket = ticket;
            this.camera = target.camera();
            this.broadcaster = ticket.broadcaster();
            this.pending = new PendingFrame(broadcaster, target.fps());
            this.prefix = SocketMessage.prefix(camera);
            this.stats = new ViewerStats(client, broadcaster.deliveries());
        }

        @Override
        public ViewerStats stats() {
            return stats;
        }

        @Override
        public boolean offer(Frame frame) {
            return SocketViewer.this.offer(this, frame);
        }

        @Override
        public void drain() {
            SocketViewer.this.drain();
        }

        @Override
        public void tick(long nowNanos) {
            SocketViewer.this.tick(nowNanos);
        }

        /** The broadcaster ends its viewers (shutdown, a refused drain): the whole connection ends. */
        @Override
        public void close(String why) {
            SocketViewer.this.close(why);
        }

        @Override
        public String toString() {
            return client + "/" + camera;
        }
    }
}
