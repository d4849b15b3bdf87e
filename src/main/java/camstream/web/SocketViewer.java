package camstream.web;

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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket connection that shows any set of cameras. Each camera it watches is a
 * {@link Subscription}, a {@link Viewer} of that camera's broadcaster holding at most one pending
 * frame, the newest. A session allows one outstanding send, so the connection has one writer, a
 * {@link LatestWinsWriter}, that serves the subscriptions with a pending frame in turn: each step
 * hands the container one message ({@code RemoteEndpoint.Async}), and the send's completion, inline
 * or later on the container's thread, continues. A close while a message is out ends the connection
 * without a close frame behind it (the client may not take the message for a long time). A close from
 * the endpoint ({@code onClose}, {@code onError}) while the writer is inside a send only records it:
 * the send returns at once (the container completes or fails it on its own), and the writer then
 * closes the session.
 */
public final class SocketViewer extends LatestWinsWriter {

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

    private final String client;
    private final Sender sender;
    private final SocketHub hub;

    /** Subscriptions with a pending frame, each at most once, served in turn. */
    private final Queue<Subscription> ready = new ConcurrentLinkedQueue<>();
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** The completion of every send: one is out at a time, so nothing is made per send. */
    private final Consumer<Throwable> sent = failure -> {
        if (failure == null) {
            succeeded();
        } else {
            failed(failure);
        }
    };

    // Touched only by the writer.
    private long messagesSent;

    SocketViewer(String client, Sender sender, long stallNanos, SocketHub hub) {
        super(client, State.IDLE, stallNanos, "send", "message");
        this.client = client;
        this.sender = sender;
        this.hub = hub;
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
        return wake();
    }

    /** Hands the next subscription's pending frame to the container, if it has one it did not send yet. */
    @Override
    Action process() {
        Subscription s = ready.poll();
        if (s == null) {
            return Action.IDLE;
        }
        s.queued.set(false);
        Frame f = s.pending.take();
        if (f == null || !s.active || f.sequence() <= s.lastSequence) {
            return Action.CONTINUE;
        }
        s.lastSequence = f.sequence();
        messagesSent++;
        hub.countSent(s.camera);
        byte[] message = f.socketMessage(s.prefix);
        // Counted when handed over: the completion may come on another thread, after the next writer started.
        s.stats.sent(f, message.length);
        // A view of the shared bytes: its position is this send's own.
        sender.send(ByteBuffer.wrap(message), sent);
        return Action.SCHEDULED;
    }

    @Override
    boolean hasPending() {
        return !ready.isEmpty();
    }

    @Override
    void onClosing() {
        leaveAll();
    }

    private void leaveAll() {
        for (Subscription s : subscriptions.values()) {
            leave(s);
        }
    }

    /** Leaves every broadcaster and closes the session. */
    @Override
    void onClosed(String reason, boolean inFlight) {
        leaveAll();
        ready.clear();
        try {
            sender.close(reason, inFlight);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Closing " + client + " failed");
        }
        hub.remove(this);
        LOG.fine(() -> "Socket " + client + " disconnected after " + messagesSent + " pictures (" + reason
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
