package camstream.stream;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Snapshots waiting for a stream's next frame: each is called once, on the executor, never on the publishing thread. */
final class FrameWaiters {

    private static final Logger LOG = Logger.getLogger(FrameWaiters.class.getName());

    private final Executor executor;
    private final Queue<Consumer<Frame>> waiting = new ConcurrentLinkedQueue<>();

    FrameWaiters(Executor executor) {
        this.executor = executor;
    }

    void add(Consumer<Frame> waiter) {
        waiting.add(waiter);
    }

    void remove(Consumer<Frame> waiter) {
        waiting.remove(waiter);
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** Hands {@code f} to every waiter so far, each once. */
    void serve(Frame f) {
        for (Consumer<Frame> w; (w = waiting.poll()) != null; ) {
            Consumer<Frame> waiter = w;
            try {
                executor.execute(() -> {
                    try {
                        waiter.accept(f);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "A snapshot request failed", e);
                    }
                });
            } catch (RejectedExecutionException e) {
                // Stopping: the snapshot's own timeout answers it.
            }
        }
    }
}
