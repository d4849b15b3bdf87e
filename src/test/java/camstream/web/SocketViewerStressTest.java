package camstream.web;

import camstream.stream.Broadcaster;
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
 * nobody closed received the last picture of each camera it watched.
 */
class SocketViewerStressTest {

    private static final int ROUNDS = 1500;
    private static final int CONNECTIONS = 3;
    private static final int FRAMES = 100;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);

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
            lastSent.put(camera, message.getLong(1 + n + 8));
            if (ThreadLocalRandom.current().nextBoolean()) {
                complete(); // inline
            } else {
                container.execute(() -> {
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(50_000));
                    complete();
                });
            }
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
            round(round, ThreadLocalRandom.current().nextInt(3) != 0);
        }
        assertEquals(List.of(), List.copyOf(problems));
    }

    private void round(int round, boolean closeSome) throws InterruptedException {
        Broadcaster a = new Broadcaster(writers, () -> { });
        Broadcaster b = new Broadcaster(writers, () -> { });
        List<SocketViewer.Target> both = List.of(new SocketViewer.Target("a", a), new SocketViewer.Target("b", b));
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
                to.publish(ScriptedOutput.jpeg(n), Long.BYTES, n, false);
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
                if (s.lastSent.getOrDefault("a", -1L) != last[0] || s.lastSent.getOrDefault("b", -1L) != last[1]) {
                    problems.add(s.name + ": last sent " + s.lastSent + ", last published a=" + last[0] + " b=" + last[1]);
                }
            }
        }
        a.closeAll("server stopping");
        b.closeAll("server stopping");
        for (int i = 0; i < CONNECTIONS; i++) {
            Session s = sessions.get(i);
            if (s.closes.get() != 1) {
                problems.add(s.name + ": closed " + s.closes.get() + " times");
            }
            if (viewers.get(i).state() != SocketViewer.State.CLOSED) {
                problems.add(s.name + ": ends in " + viewers.get(i).state());
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
        if (a.cameraJoined() != CONNECTIONS) {
            problems.add("round " + round + ": a joined " + a.cameraJoined() + " times by " + CONNECTIONS + " sockets");
        }
    }
}
