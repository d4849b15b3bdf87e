package camstream.web;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The recordings being sent ({@link FileSender}) or played ({@link AviPlayer}), and their one thread,
 * {@code camstream-recordings}: it paces playbacks, and once a second ends a transfer whose client
 * has accepted nothing for the stall timeout. At most {@link #MAX} at once, so memory stays bounded
 * (each holds one chunk or one picture). Stopped, and its thread joined, with the servlet.
 */
final class Transfers {

    private static final Logger LOG = Logger.getLogger(Transfers.class.getName());
    /** Open downloads and playbacks, all clients together. */
    static final int MAX = 64;

    private final Set<LatestWinsWriter> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "camstream-recordings");
        t.setDaemon(true);
        return t;
    });

    Transfers() {
        timer.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            for (LatestWinsWriter w : open) {
                w.tick(now);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** Whether {@link #MAX} are open: a new one is refused (a few racing in together may pass). */
    boolean full() {
        return open.size() >= MAX;
    }

    void add(LatestWinsWriter w) {
        open.add(w);
    }

    void remove(LatestWinsWriter w) {
        open.remove(w);
    }

    /** Runs {@code task} every {@code periodMicros} on the transfers' thread. */
    ScheduledFuture<?> every(long periodMicros, Runnable task) {
        return timer.scheduleAtFixedRate(task, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    /** Ends every transfer and joins the thread. */
    void stop() throws InterruptedException {
        for (LatestWinsWriter w : open) {
            w.close("server stopping");
        }
        timer.shutdownNow();
        if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warning("camstream-recordings did not stop within 5 s");
        }
    }
}
