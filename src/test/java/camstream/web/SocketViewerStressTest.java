package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.VideoTrack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * WebSocket connections hammered from every side at once, through real Broadcasters and a real writer
 * pool: a publisher for two cameras, a "container" pool that completes sends later (or the send
 * completes inline), a client that changes what it watches, stall ticks, and closers at random times.
 * The session checks its rules on every call (one outstanding send, nothing after close); at the end
 * every connection was closed exactly once, left every broadcaster once for each time it joined, and one
 * nobody closed received the last picture of each camera it watched. With one camera as H.264, each
 * socket also sent its frames so that they decode: an init segment first, then a keyframe, and every
 * other frame right after the one published before it.
 */
class SocketViewerStressTest {

    private static final int ROUNDS = 1500;
    private static final int CONNECTIONS = 3;
    private static final int FRAMES = 100;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Its init segment reads as frame -1. */
    private static final VideoTrack TRACK = new VideoTrack(64, 48, ByteBuffer.allocate(16).putLong(-1).array(),
            new byte[] {0x67, 0x42, (byte) 0xC0, 0x1F}, new byte[] {0x68, (byte) 0xCE});

    private static ExecutorService writers;
    private static ExecutorService container;

    private final Queue<String> problems = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startPools() {
        AtomicInteger n = new AtomicInteger();
        writers = Executors.newFixedThreadPool(2, r -> daemon(r, "stress-writer-" + n.incrementAndGet()));
        container = Executors.newFixedThreadPool(2, r -> daemon(r, "stress-container-" + n.incrementAndGet()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @AfterAll
    static void stopPools() throws InterruptedException {
        writers.shutdown();
        container.shutdown();
        writers.awaitTermination(10, TimeUnit.SECONDS);
        container.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** A session whose sends complete inline or later on the container pool, and which checks its rules. */
    final class Session implements SocketViewer.Sender {
        final String name;
        final AtomicReference<Consumer<Throwable>> outstanding = new AtomicReference<>();
        final AtomicInteger closes = new AtomicInteger();
        final Map<String, Long> lastSent = new ConcurrentHashMap<>();
        /** The video camera's last message: a frame's number, -1 for the init segment. Touched by the writer only. */
        long lastVideo = Long.MIN_VALUE;
        volatile boolean closed;
        volatile boolean failNext;

        Session(String name) {
            this.name = name;
        }

        @Override
        public void send(ByteBuffer message, Consumer<Throwable> done) {
            if (closed) {
                problems.add(name + ": send after close");
            }
            if (!outstanding.compareAndSet(null, done)) {
                problems.add(name + ": send while another is outstanding");
                return;
            }
            int n = message.get(0) & 0xff;
            String camera = new String(message.array(), 1, n, StandardCharsets.US_ASCII);
            long frame = message.getLong(1 + n + 8);
            lastSent.put(camera, frame);
            if (camera.equals("v")) {
                decodable(frame, frame >= 0 && message.get(1 + n + 8 + 8) == 1);
            }
            if (ThreadLocalRandom.current().nextBoolean()) {
                complete(); // inline
            } else {
                container.execute(() -> {
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(50_000));
                    complete();
                });
            }
        }

        /** Frame {@code n} of the video camera, every other number, can be decoded from what this socket sent before it. */
        private void decodable(long n, boolean keyframe) {
            if (n >= 0 && !keyframe && lastVideo != n - 2) {
                problems.add(name + ": frame " + n + " sent after " + (lastVideo == -1 ? "its init segment" : lastVideo)
                        + ", which it cannot be decoded from");
            }
            lastVideo = n;
        }

        @Override
        public void sendText(String message, Consumer<Throwable> done) {
            problems.add(name + ": no camera is refused here, yet it was told " + message);
            done.accept(null);
        }

        void complete() {
            Consumer<Throwable> done = outstanding.getAndSet(null);
            if (done != null) {
                boolean fail = failNext;
                failNext = false;
                done.accept(fail ? new IOException("Broken pipe (stress)") : null);
            }
        }

        @Override
        public void close(String why, boolean inFlight) {
            if (!inFlight && outstanding.get() != null) {
                problems.add(name + ": closed as if no send were out, while one was");
            }
            closes.incrementAndGet();
            closed = true;
            if (outstanding.get() != null) {
                container.execute(() -> {
                    Consumer<Throwable> done = outstanding.getAndSet(null);
                    if (done != null) {
                        done.accept(new IOException("closed (stress)"));
                    }
                });
            }
        }
    }

    @Test
    void publishingWatchingCompletionsAndClosesFromManyThreadsBreakNoRuleAndCloseEachSocketOnce()
            throws InterruptedException {
        for (int round = 0; round < ROUNDS && problems.isEmpty(); round++) {
            round(round, ThreadLocalRandom.current().nextInt(3) != 0, false);
        }
        assertEquals(List.of(), List.copyOf(problems));
    }

    @Test
    void withOneCameraAsH264EverySocketStillSendsFramesThatDecodeAndClosesOnce() throws InterruptedException {
        for (int round = 0; round < ROUNDS && problems.isEmpty(); round++) {
            round(round, ThreadLocalRandom.current().nextInt(3) != 0, true);
        }
        assertEquals(List.of(), List.copyOf(problems));
    }

    /** @param video whether the second camera ("v" then) is H.264, a keyframe every fifth of its frames and its last */
    private void round(int round, boolean closeSome, boolean video) throws InterruptedException {
        Broadcaster a = new Broadcaster(writers, () -> { });
        Broadcaster b = new Broadcaster(writers, () -> { });
        List<SocketViewer.Target> both = List.of(new SocketViewer.Target("a", a), video
                ? new SocketViewer.Target("v", "", 0, null, () -> new Ticket(null, b, () -> { }), 8)
                : new SocketViewer.Target("b", b));
        SocketHub hub = new SocketHub();
        List<Session> sessions = new ArrayList<>();
        List<SocketViewer> viewers = new ArrayList<>();
        List<Boolean> closedByTest = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            Session s = new Session("round " + round + " socket " + i);
            SocketViewer v = new SocketViewer(s.name, s, STALL_NANOS, hub);
            hub.add(v);
            v.watch(both);
            sessions.add(s);
            viewers.add(v);
            closedByTest.add(closeSome && ThreadLocalRandom.current().nextBoolean());
        }
        long[] last = new long[2];
        Thread publisher = new Thread(() -> {
            for (long n = 1; n <= FRAMES; n++) {
                Broadcaster to = n % 2 == 0 ? a : b;
                if (video && to == b) {
                    boolean key = n % 10 == 1 || n == FRAMES - 1;
                    b.publishVideo(TRACK, ByteBuffer.allocate(9).putLong(n).put((byte) (key ? 1 : 0)).array(), key, n, false);
                } else {
                    to.publish(ScriptedOutput.jpeg(n), Long.BYTES, n, false);
                }
                last[(int) (n % 2)] = n;
                if (n % 10 == 0) {
                    a.tick(System.nanoTime());
                    b.tick(System.nanoTime());
                }
            }
        }, "stress-publisher");
        Thread client = new Thread(() -> {
            // The first socket pauses b and resumes it, as a tile scrolling out of sight and back.
            for (int i = 0; i < 5; i++) {
                viewers.get(0).watch(List.of(both.get(0)));
                viewers.get(0).watch(both);
            }
        }, "stress-client");
        Thread closer = new Thread(() -> {
            for (int i = 0; i < CONNECTIONS; i++) {
                if (closedByTest.get(i)) {
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(200_000));
                    if (ThreadLocalRandom.current().nextBoolean()) {
                        sessions.get(i).failNext = true;
                    }
                    viewers.get(i).close("closed by the stress test");
                }
            }
        }, "stress-closer");
        publisher.start();
        client.start();
        closer.start();
        publisher.join();
        client.join();
        closer.join();

        // Settle: every send completes, every writer goes idle.
        long deadline = System.nanoTime() + SETTLE_NANOS;
        for (SocketViewer v : viewers) {
            while (v.state() != SocketViewer.State.IDLE && v.state() != SocketViewer.State.CLOSED) {
                if (System.nanoTime() > deadline) {
                    problems.add("round " + round + ": a socket stuck in " + v.state());
                    return;
                }
                Thread.sleep(1);
            }
        }
        for (int i = 0; i < CONNECTIONS; i++) {
            Session s = sessions.get(i);
            SocketViewer v = viewers.get(i);
            if (v.state() == SocketViewer.State.IDLE) {
                // Never closed: it saw the last picture of each camera (a send failure would have closed it).
                if (s.lastSent.getOrDefault("a", -1L) != last[0] || s.lastSent.getOrDefault(video ? "v" : "b", -1L) != last[1]) {
                    problems.add(s.name + ": last sent " + s.lastSent + ", last published a=" + last[0] + " b=" + last[1]);
                }
            }
        }
        a.closeAll("server stopping");
        b.closeAll("server stopping");
        for (int i = 0; i < CONNECTIONS; i++) {
            if (viewers.get(i).state() != SocketViewer.State.CLOSED) {
                problems.add(sessions.get(i).name + ": ends in " + viewers.get(i).state());
            }
        }
        // A socket ends on the thread that completes its last send (state CLOSED first, then it leaves): wait for it.
        // Every subscription that joined left once: a (never paused) was joined once per socket, b again each time
        // the first socket resumed it.
        deadline = System.nanoTime() + SETTLE_NANOS;
        while (a.cameraViewerCount() + b.cameraViewerCount() != 0 || hub.connections() != 0
                || a.cameraLeft() != a.cameraJoined() || b.cameraLeft() != b.cameraJoined()) {
            if (System.nanoTime() > deadline) {
                problems.add("round " + round + ": left behind " + a.cameraViewerCount() + "+" + b.cameraViewerCount()
                        + " viewers, " + hub.connections() + " sockets; a joined " + a.cameraJoined() + ", left " + a.cameraLeft()
                        + "; b joined " + b.cameraJoined() + ", left " + b.cameraLeft());
                break;
            }
            Thread.sleep(1);
        }
        // Counted once every socket has ended: the thread that moved one to CLOSED may still be closing it.
        for (Session s : sessions) {
            if (s.closes.get() != 1) {
                problems.add(s.name + ": closed " + s.closes.get() + " times");
            }
        }
        // Once per socket; a socket the test closed while it asked for cameras may have joined once more (and left).
        long closing = closedByTest.stream().filter(c -> c).count();
        if (a.cameraJoined() < CONNECTIONS || a.cameraJoined() > CONNECTIONS + closing) {
            problems.add("round " + round + ": a joined " + a.cameraJoined() + " times by " + CONNECTIONS + " sockets, "
                    + closing + " of them closed by the test");
        }
    }
}
