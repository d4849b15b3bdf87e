package camstream.web;

import jakarta.servlet.ServletOutputStream;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@code GET /events} connection: server-sent events written without blocking, as a stream
 * viewer's frames are ({@link ResponseWriter}). Unlike frames, no message may be skipped, so they wait
 * in a queue of at most {@link #MAX_WAITING}; a client that lets more pile up is disconnected (a
 * browser's EventSource then connects again). Drains run on the {@link EventHub}'s thread, never on
 * the one that offers.
 */
final class EventStream extends ResponseWriter {

    private static final Logger LOG = Logger.getLogger(EventStream.class.getName());
    static final int MAX_WAITING = 64;

    private final String client;
    private final Set<String> cameras;
    private final Runnable complete;
    private final Executor executor;
    private final Queue<byte[]> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();

    /**
     * @param cameras  the cameras whose events this client may see
     * @param complete completes the async request and takes the client out of the hub; called once
     * @param executor runs the drains
     */
    EventStream(String client, Set<String> cameras, ServletOutputStream out, Runnable complete, Executor executor,
                long stallNanos) {
        super(client, out, stallNanos);
        this.client = client;
        this.cameras = Set.copyOf(cameras);
        this.complete = complete;
        this.executor = executor;
    }

    /** Whether this client is to be told of {@code camera}'s events. */
    boolean sees(String camera) {
        return cameras.contains(camera);
    }

    /** Starts writing; the container may call onWritePossible at once, on another thread. */
    void start() {
        writeWhenReady();
    }

    /** Queues one message (its bytes as they go out); a client with too many waiting is disconnected. */
    void offer(byte[] message) {
        if (closed()) {
            return;
        }
        if (count.incrementAndGet() > MAX_WAITING) {
            count.decrementAndGet();
            close("did not keep up: " + MAX_WAITING + " messages waiting");
            return;
        }
        waiting.add(message);
        if (wake()) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                close("server stopping");
                drain();
            }
        }
    }

    @Override
    byte[] next() {
        byte[] next = waiting.poll();
        if (next != null) {
            count.decrementAndGet();
        }
        return next;
    }

    @Override
    boolean hasPending() {
        return !waiting.isEmpty();
    }

    @Override
    void onClosed(String reason, boolean inFlight) {
        waiting.clear();
        try {
            complete.run();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Completing " + client + " failed");
        }
        LOG.fine(() -> "Event client " + client + " disconnected (" + reason + ")");
    }
}
