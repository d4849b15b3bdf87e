package camstream.camera;

import camstream.encode.JpegEncoder;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The threads that encode every camera's pictures, as µStreamer's workers do, so that a camera is
 * not held to one core: each thread has its own JPEG encoder (they are not thread-safe). The queue
 * holds at most one task per {@link EncodeSlot}, which each take the newest picture when they run.
 */
public final class EncodePool {

    private static final Logger LOG = Logger.getLogger(EncodePool.class.getName());

    private final ThreadPoolExecutor executor;
    /** Instead of {@link #executor}, for tests: where tasks run, all with {@link #encoder}. */
    private final Executor runner;
    private final JpegEncoder encoder;
    /** Every thread the pool made, to join: an encoder is closed after its thread left the pool. */
    private final List<Thread> threads;

    /** A thread of the pool, with its encoder, made on the thread when first needed and closed when it ends. */
    private static final class EncoderThread extends Thread {
        private final Supplier<JpegEncoder> encoders;
        private JpegEncoder encoder;

        EncoderThread(Runnable worker, String name, Supplier<JpegEncoder> encoders) {
            super(worker, name);
            this.encoders = encoders;
            setDaemon(true);
        }

        JpegEncoder encoder() {
            if (encoder == null) {
                encoder = encoders.get();
            }
            return encoder;
        }

        @Override
        public void run() {
            try {
                super.run();
            } finally {
                if (encoder != null) {
                    try {
                        encoder.close();
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "Closing an encoder failed", e);
                    }
                }
            }
        }
    }

    private EncodePool(ThreadPoolExecutor executor, Executor runner, JpegEncoder encoder, List<Thread> threads) {
        this.executor = executor;
        this.runner = runner;
        this.encoder = encoder;
        this.threads = threads;
    }

    /** {@code threads} named threads, each making its encoder with {@code encoders} on first use. */
    public static EncodePool start(int threads, Supplier<JpegEncoder> encoders) {
        List<Thread> made = new CopyOnWriteArrayList<>();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new EncoderThread(r, "camstream-encoder-" + (made.size() + 1), encoders);
                    made.add(t);
                    return t;
                });
        return new EncodePool(executor, null, null, made);
    }

    /**
     * Runs the encodes on {@code runner} (the submitting thread, or a test's queue) with {@code encoder}: for
     * tests that must not depend on timing. {@code runner} must run one task at a time.
     */
    static EncodePool on(Executor runner, JpegEncoder encoder) {
        return new EncodePool(null, runner, encoder, List.of());
    }

    /** Runs {@code task} with the encoder of the thread that runs it. Throws RejectedExecutionException once stopped. */
    void execute(Consumer<JpegEncoder> task) {
        if (executor == null) {
            runner.execute(() -> task.accept(encoder));
            return;
        }
        executor.execute(() -> task.accept(((EncoderThread) Thread.currentThread()).encoder()));
    }

    /**
     * Lets the encodes under way finish, then ends every thread, each closing its encoder. Returns false,
     * after logging it, when one is still inside an encode at the deadline ({@link System#nanoTime}).
     */
    public boolean stop(long deadlineNanos) throws InterruptedException {
        if (executor == null) {
            return true;
        }
        executor.shutdown();
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
        }
        if (threads.stream().noneMatch(Thread::isAlive)) {
            return true;
        }
        executor.shutdownNow();
        LOG.warning("An encoder thread was still encoding when camstream stopped; it ends when that encode returns");
        return false;
    }
}
