package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.VideoTrack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Viewers hammered from every side at once, through the real Broadcaster and a real writer pool:
 * a publisher, a "container" thread that delivers onWritePossible only after isReady() said false,
 * and closers firing random close paths at random times. The scripted output checks every rule on
 * every call; at the end each stream must have been completed exactly once, and a stream nobody
 * closed must have received the last frame published. Multipart streams of pictures, and MP4
 * streams of video, whose viewers may skip only to a keyframe.
 */
class HttpViewerStressTest {

    /** Every this many frames of a video stream, a keyframe. */
    private static final int GOP = 10;

    private static final int ROUNDS = 1000;
    private static final int VIEWERS = 4;
    private static final int FRAMES = 120;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** A way a stream ends, fired at a random moment. */
    enum Close {
        WRITE_FAILS, WRITE_LISTENER_ON_ERROR, ASYNC_ON_ERROR, ASYNC_ON_TIMEOUT, ASYNC_ON_COMPLETE, TICK_STALL, CLOSE_ALL
    }

    private static final VideoTrack TRACK = new VideoTrack(64, 48, ScriptedOutput.INIT,
            new byte[] {0x67, 0x42, (byte) 0xC0, 0x1E}, new byte[] {0x68, (byte) 0xCE});

    private ExecutorService writers;

    private final Queue<String> problems = new ConcurrentLinkedQueue<>();
    private final List<ScriptedOutput> allOutputs = new ArrayList<>();

    @BeforeEach
    void startWriterPool() {
        AtomicInteger n = new AtomicInteger();
        writers = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "stress-writer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void stopWriterPool() throws InterruptedException {
        writers.shutdown();
        writers.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void offersWakeupsAndClosesFromManyThreadsBreakNoRuleCompleteEachStreamOnceAndLoseNoFrame()
            throws InterruptedException {
        stress(false);
    }

    @Test
    void videoViewersSkipOnlyToKeyframesCompleteEachStreamOnceAndReachTheLastFrame() throws InterruptedException {
        stress(true);
    }

    private void stress(boolean video) throws InterruptedException {
        int livenessRounds = 0;
        for (int round = 0; round < ROUNDS; round++) {
            boolean closeSome = ThreadLocalRandom.current().nextInt(4) != 0;
            if (!closeSome) {
                livenessRounds++;
            }
            round(round, closeSome, video);
            if (!problems.isEmpty()) {
                break;
            }
        }
        writers.shutdown();
        if (!writers.awaitTermination(10, TimeUnit.SECONDS)) {
            problems.add("a writer was still running 10 s after the last round");
        }

        for (ScriptedOutput out : allOutputs) {
            problems.addAll(out.violations());
            if (out.completes() != 1) {
                problems.add("a stream was completed " + out.completes() + " times");
            }
        }
        assertEquals(List.of(), List.copyOf(problems).subList(0, Math.min(20, problems.size())));
        assertTrue(livenessRounds > 0);
    }

    private void round(int round, boolean closeSome, boolean video) throws InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Broadcaster broadcaster = new Broadcaster(writers, () -> { });
        List<HttpViewer> viewers = new ArrayList<>();
        List<ScriptedOutput> outs = new ArrayList<>();
        List<Close> closes = new ArrayList<>();
        for (int i = 0; i < VIEWERS; i++) {
            ScriptedOutput out = new ScriptedOutput(false);
            out.setFillChance(random.nextDouble(0.05, 0.6));
            out.setJitter(true);
            HttpViewer viewer;
            if (video) {
                out.mp4();
                viewer = new Mp4Viewer("cam", "stress-" + round + "-" + i, out, out::complete, broadcaster,
                        STALL_NANOS, 4); // less than a group of pictures: slow viewers overflow and wait for a keyframe
            } else {
                viewer = new MultipartViewer("cam", "stress-" + round + "-" + i, out, out::complete, broadcaster,
                        STALL_NANOS);
            }
            if (random.nextBoolean()) {
                // Jetty calls AsyncListener.onComplete from inside AsyncContext.complete.
                out.onComplete(() -> viewer.onComplete(MultipartViewerTest.event(null)));
            }
            viewers.add(viewer);
            outs.add(out);
            closes.add(closeSome ? Close.values()[random.nextInt(Close.values().length)] : null);
        }
        allOutputs.addAll(outs);

        long[] lastPublished = {0};
        Thread publisher = thread("publisher", () -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (long n = 1; n <= FRAMES; n++) {
                // The last video frame is a keyframe: a viewer that skipped to wait for one reaches it.
                boolean keyframe = n % GOP == 1 || n == FRAMES;
                if (video) {
                    broadcaster.publishVideo(TRACK, ScriptedOutput.fragment(n, keyframe), keyframe, n, false);
                } else {
                    broadcaster.publish(ScriptedOutput.jpeg(n), Long.BYTES, n, false);
                }
                lastPublished[0] = n;
                if (!closeSome && (!video || keyframe) && r.nextInt(video ? 3 : 10) == 0) {
                    // A quiet moment: every stream that joined must catch up with n, with no further offer.
                    for (ScriptedOutput out : outs) {
                        if (out.hasListener()) {
                            awaitWritten(out, n, round);
                        }
                    }
                }
                pause(r);
            }
        });
        boolean[] stop = {false};
        Thread container = thread("container", () -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            while (!stopped(stop)) {
                for (ScriptedOutput out : outs) {
                    // A real container calls onWritePossible once after setWriteListener and once after each
                    // isReady() false, when the connection drained: never otherwise, and never twice at once.
                    if (r.nextInt(3) != 0) {
                        out.wakeUp();
                    }
                }
                pause(r);
            }
        });
        List<Thread> closers = new ArrayList<>();
        if (closeSome) {
            for (int c = 0; c < 2; c++) {
                int first = c;
                closers.add(thread("closer-" + c, () -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = first; i < VIEWERS; i += 2) {
                        LockSupport.parkNanos(r.nextLong(TimeUnit.MILLISECONDS.toNanos(3)));
                        close(closes.get(i), viewers.get(i), outs.get(i), broadcaster);
                    }
                }));
            }
        }

        publisher.start();
        container.start();
        for (HttpViewer v : viewers) {
            v.start(); // while the publisher runs: the broadcaster may offer the newest frame at once
        }
        closers.forEach(Thread::start);
        join(publisher);
        for (Thread t : closers) {
            join(t);
        }

        if (!closeSome) {
            // Liveness: kept writable, every stream receives the last frame without any further offer.
            outs.forEach(o -> o.setFillChance(0));
            for (ScriptedOutput out : outs) {
                awaitWritten(out, lastPublished[0], round);
            }
        }

        broadcaster.closeAll("end of round");
        long deadline = System.nanoTime() + SETTLE_NANOS;
        for (ScriptedOutput out : outs) {
            while (out.completes() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            if (out.completes() == 0) {
                problems.add("round " + round + ": a closed stream was never completed");
            }
        }
        synchronized (stop) {
            stop[0] = true;
        }
        join(container);
        if (broadcaster.cameraViewerCount() != 0 || broadcaster.cameraLeft() != VIEWERS) {
            problems.add("round " + round + ": " + broadcaster.cameraViewerCount() + " viewers still in the broadcaster, "
                    + broadcaster.cameraLeft() + " left");
        }
    }

    private void awaitWritten(ScriptedOutput out, long frame, int round) {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        while (out.lastWritten() < frame && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000);
        }
        if (out.lastWritten() < frame) {
            problems.add("round " + round + ": a stream nobody closed stopped at frame " + out.lastWritten()
                    + " of " + frame);
        }
    }

    private void close(Close how, HttpViewer viewer, ScriptedOutput out, Broadcaster broadcaster) {
        switch (how) {
            case WRITE_FAILS -> out.failWrites();
            case WRITE_LISTENER_ON_ERROR -> closedByContainer(viewer, out, () -> viewer.onError(new IOException("reset")));
            case ASYNC_ON_ERROR -> closedByContainer(viewer, out,
                    () -> viewer.onError(MultipartViewerTest.event(new IOException("reset"))));
            case ASYNC_ON_TIMEOUT -> closedByContainer(viewer, out, () -> viewer.onTimeout(MultipartViewerTest.event(null)));
            case ASYNC_ON_COMPLETE -> viewer.onComplete(MultipartViewerTest.event(null));
            case TICK_STALL -> {
                // Closes only a viewer caught in PENDING; try a few times.
                for (int i = 0; i < 50 && out.completes() == 0; i++) {
                    viewer.tick(System.nanoTime() + 2 * STALL_NANOS);
                    Thread.yield();
                }
            }
            case CLOSE_ALL -> broadcaster.closeAll("server stopping");
        }
    }

    /**
     * onError and onTimeout return only once the stream is ended, by the writer if one was in a call:
     * after they return, a container may recycle the response.
     */
    private void closedByContainer(HttpViewer viewer, ScriptedOutput out, Runnable callback) {
        out.errorThenRecycle(callback);
        LatestWinsWriter.State s = viewer.state();
        if (s != LatestWinsWriter.State.CLOSED || out.completes() != 1) {
            problems.add("a closing container callback returned with the stream " + s + ", completed "
                    + out.completes() + " times");
        }
    }

    private static void pause(ThreadLocalRandom r) {
        int p = r.nextInt(10);
        if (p < 5) {
            Thread.yield();
        } else if (p < 7) {
            LockSupport.parkNanos(r.nextLong(1_000, 50_000));
        }
    }

    private static boolean stopped(boolean[] stop) {
        synchronized (stop) {
            return stop[0];
        }
    }

    private Thread thread(String name, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                problems.add(name + " failed: " + e);
            }
        }, "stress-" + name);
        t.setDaemon(true);
        return t;
    }

    private void join(Thread t) throws InterruptedException {
        t.join(TimeUnit.SECONDS.toMillis(20));
        if (t.isAlive()) {
            problems.add(t.getName() + " still running");
        }
    }
}
