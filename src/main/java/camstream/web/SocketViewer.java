package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.GopQueue;
import camstream.stream.PendingFrame;
import camstream.stream.SocketMessage;
import camstream.stream.VideoTrack;
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
 * frame, the newest; or, for a camera sent as H.264, a viewer of its video stream holding the frames
 * from a keyframe on ({@link GopQueue}: one group of pictures at most, skipping to the next keyframe
 * when behind). A session allows one outstanding send, so the connection has one writer, a
 * {@link LatestWinsWriter}, that serves the subscriptions with something pending in turn: each step
 * hands the container one message ({@code RemoteEndpoint.Async}), and the send's completion, inline
 * or later on the container's thread, continues. A close while a message is out ends the connection
 * without a close frame behind it (the client may not take the message for a long time). A close from
 * the endpoint ({@code onClose}, {@code onError}) while the writer is inside a send only records it:
 * the send returns at once (the container completes or fails it on its own), and the writer then
 * closes the session.
 */
public final class SocketViewer extends LatestWinsWriter {

    private static final Logger LOG = Logger.getLogger(SocketViewer.class.getName());
    /** H.264 frames that may wait for one camera at least, and the bytes at most, whatever its group of pictures. */
    private static final int MIN_GOP_FRAMES = 8;
    private static final long MAX_GOP_BYTES = 16L << 20;

    /** The container's side of one connection. */
    interface Sender {
        /**
         * Starts sending one binary message; calls {@code done} once, with null or the failure, when it
         * was sent: possibly before returning, on the calling thread, or later on another. May throw if
         * the connection is closed.
         */
        void send(ByteBuffer message, Consumer<Throwable> done);

        /** As {@link #send}, a text message. */
        void sendText(String message, Consumer<Throwable> done);

        /** Closes the connection without waiting; {@code inFlight}: a message is still being sent, so a close frame cannot follow it. */
        void close(String why, boolean inFlight);
    }

    private final String client;
    private final Sender sender;
    private final SocketHub hub;

    /** Subscriptions with a pending frame, each at most once, served in turn. */
    private final Queue<Subscription> ready = new ConcurrentLinkedQueue<>();
    /**
     * What the page is told in words before the next picture: why a camera it asked for is not sent
     * ({@link Notice}). At most one per camera of a watch request, which is itself bounded.
     */
    private final Queue<String> notices = new ConcurrentLinkedQueue<>();
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
            if (t == null || !t.options().equals(s.target.options()) || (t.video() == null) != (s.target.video() == null)) {
                leave(s);
            }
        }
        for (Target t : wanted.values()) {
            if (closed()) {
                return;
            }
            if (!subscriptions.containsKey(t.camera())) {
                Subscription s;
                try {
                    s = enter(t);
                } catch (Refused refused) {
                    LOG.fine(() -> "Socket " + client + " may not watch " + t.camera() + ": " + refused.getMessage());
                    tell(Notice.refused(t.camera(), refused.getMessage()));
                    continue;
                }
                subscriptions.put(t.camera(), s);
                if (s.gop != null) {
                    s.broadcaster.requestKeyframe(); // a viewer starts at a keyframe: the next picture, not the next second's
                }
                s.broadcaster.add(s, s.gop != null ? 0 : t.fps());
                // A close that ran between the put and the add did not see this one in the broadcaster.
                if (closed()) {
                    leave(s);
                }
            }
        }
    }

    /**
     * The H.264 stream of {@code t} if it asks for it and may have it, else its pictures; a camera that
     * cannot have H.264 ({@link Refused.Reason#NO_VIDEO}) comes as pictures, and the page is told why.
     */
    private Subscription enter(Target t) throws Refused {
        if (t.video() != null) {
            try {
                return new Subscription(t, t.video().enter(), true);
            } catch (Refused r) {
                if (r.reason() != Refused.Reason.NO_VIDEO || t.door() == null) {
                    throw r;
                }
                LOG.fine(() -> "Socket " + client + " gets pictures of " + t.camera() + ": " + r.getMessage());
                tell(Notice.pictures(t.camera(), r.getMessage()));
            }
        }
        return new Subscription(t, t.door().enter(), false);
    }

    /**
     * A camera to watch: its id, the options asked for it ({@code width=320&fps=5}, as a stream URL's
     * query; "" for none), the most new pictures a second (0 for every one), and the doors that let
     * it in: the viewer limits and the stream asked for, held by a {@link Ticket}.
     *
     * @param door      to its pictures, of the size asked for; null when only H.264 may be sent
     * @param video     to its H.264 stream; null when the page did not ask for it. When it is refused
     *                  with {@link Refused.Reason#NO_VIDEO}, {@code door} lets the camera in as pictures
     * @param gopFrames H.264 frames that may wait to be sent: a group of pictures and as much again
     */
    record Target(String camera, String options, double fps, Gate.Door door, Gate.Door video, int gopFrames) {

        /** A camera as pictures only. */
        Target(String camera, String options, double fps, Gate.Door door) {
            this(camera, options, fps, door, null, 0);
        }

        /** A camera without options or viewer limits (tests). */
        Target(String camera, Broadcaster broadcaster) {
            this(camera, "", 0, () -> new Ticket(null, broadcaster, () -> { }));
        }
    }

    /** Sends {@code notice} before the next picture; the thread that asks may become the writer. */
    private void tell(String notice) {
        if (closed()) {
            return;
        }
        notices.add(notice);
        if (wake()) {
            drain();
        }
    }

    private void leave(Subscription s) {
        s.active = false;
        if (s.gop != null) {
            s.gop.clear();
        } else {
            s.pending.clear();
        }
        subscriptions.remove(s.camera, s);
        s.broadcaster.remove(s);
        s.ticket.release();
    }

    /** Offered a frame for {@code s}: queues it, and returns true if this call made the connection busy. */
    private boolean offer(Subscription s, Frame frame) {
        if (!s.active || closed()) {
            return false;
        }
        if (s.gop != null) {
            int skipped = s.gop.put(frame);
            s.broadcaster.countSkipped(skipped);
            s.stats.skipped(skipped);
            if (s.gop.isEmpty()) {
                return false;
            }
        } else if (s.pending.put(frame)) {
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
        String notice = notices.poll();
        if (notice != null) {
            sender.sendText(notice, sent);
            return Action.SCHEDULED;
        }
        Subscription s = ready.poll();
        if (s == null) {
            return Action.IDLE;
        }
        s.queued.set(false);
        if (s.gop != null) {
            return sendVideo(s);
        }
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

    /**
     * Hands the container the next H.264 frame of {@code s}, or first the init segment of its track when
     * this socket has not sent that track yet (the first, another size, or a camera watched again). A
     * subscription with more to send goes back in line behind the others: one message per camera in turn.
     */
    private Action sendVideo(Subscription s) {
        Frame f = s.held != null ? s.held : s.gop.take();
        s.held = null;
        if (f == null || !s.active) {
            return Action.CONTINUE;
        }
        byte[] message;
        if (f.track() != s.track) {
            s.track = f.track();
            s.held = f;
            message = s.track.socketInit(s.prefix);
            s.initBytes = message.length;
        } else {
            message = f.socketMessage(s.prefix);
            messagesSent++;
            hub.countSent(s.camera);
            s.stats.sent(f, message.length + s.initBytes);
            s.initBytes = 0;
        }
        if ((s.held != null || !s.gop.isEmpty()) && s.queued.compareAndSet(false, true)) {
            ready.add(s);
        }
        sender.send(ByteBuffer.wrap(message), sent);
        return Action.SCHEDULED;
    }

    @Override
    boolean hasPending() {
        return !ready.isEmpty() || !notices.isEmpty();
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
        notices.clear();
        try {
            sender.close(reason, inFlight);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Closing " + client + " failed");
        }
        hub.remove(this);
        LOG.fine(() -> "Socket " + client + " disconnected after " + messagesSent + " pictures (" + reason
                + "); " + hub.connections() + " sockets open");
    }

    /** One camera on this connection: a viewer of its broadcaster with at most one pending frame, or its H.264 frames. */
    final class Subscription implements Viewer {
        final Target target;
        final String camera;
        final Broadcaster broadcaster;
        final byte[] prefix;
        final ViewerStats stats;
        /** Released once, by whichever leaves first: the watch request that drops the camera, or the close. */
        final Ticket ticket;
        /** The picture waiting; null for H.264. */
        final PendingFrame pending;
        /** The H.264 frames waiting; null for pictures. */
        final GopQueue gop;
        /** In {@link #ready} (or about to be); set by the offer that queued it, cleared by the writer that took it. */
        final AtomicBoolean queued = new AtomicBoolean();
        volatile boolean active = true;
        // Touched only by the writer.
        long lastSequence = -1;
        /** The H.264 track whose init segment this socket sent last. */
        VideoTrack track;
        /** A frame taken to be sent right after its track's init segment. */
        Frame held;
        /** The bytes of that init segment, counted with the frame. */
        int initBytes;

        Subscription(Target target, Ticket ticket, boolean video) {
            this.target = target;
            this.ticket = ticket;
            this.camera = target.camera();
            this.broadcaster = ticket.broadcaster();
            this.pending = video ? null : new PendingFrame(broadcaster, target.fps());
            this.gop = video ? new GopQueue(Math.max(MIN_GOP_FRAMES, target.gopFrames()), MAX_GOP_BYTES) : null;
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
