package camstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The viewers one publish made busy ({@link Viewer#offer} returned true), their drains run on the
 * broadcaster's executor in batches: one task per viewer per frame cost as much as the encode. Made
 * and used under the broadcaster's publish lock; the viewers a stopping executor refused are
 * closed after it ({@link #closeRefused}), since closing calls into the container.
 */
final class Drains {

    private static final Logger LOG = Logger.getLogger(Drains.class.getName());
    /** Viewers drained by one executor task. */
    static final int BATCH = 64;

    private final Executor executor;
    private List<Viewer> batch;
    private List<Viewer> refused = List.of();

    Drains(Executor executor) {
        this.executor = executor;
    }

    void add(Viewer v) {
        if (batch == null) {
            batch = new ArrayList<>(BATCH);
        }
        batch.add(v);
        if (batch.size() == BATCH) {
            finish();
        }
    }

    /** Schedules what is left; returns the viewers whose drain the executor refused (it is stopping). */
    List<Viewer> finish() {
        if (batch != null && !schedule(executor, batch)) {
            if (refused.isEmpty()) {
                refused = new ArrayList<>();
            }
            refused.addAll(batch);
        }
        batch = null;
        return refused;
    }

    /** Runs drain() of each viewer, which {@link Viewer#offer} made busy, in one executor task; false if refused. */
    static boolean schedule(Executor executor, List<Viewer> batch) {
        try {
            executor.execute(() -> {
                for (Viewer v : batch) {
                    drain(v);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * The executor is stopping and refused these viewers' drains: each is closed, and its drain,
     * run here, completes it. Called after the publish lock is released: completing calls into
     * the container, and no lock is held while doing so.
     */
    static void closeRefused(List<Viewer> refused) {
        for (Viewer v : refused) {
            v.close("server stopping");
            drain(v);
        }
    }

    private static void drain(Viewer v) {
        try {
            v.drain();
        } catch (RuntimeException e) {
            // A viewer handles its own failures; this is a bug, and it must not cost the rest of the batch.
            LOG.log(Level.SEVERE, "A viewer failed while writing", e);
        }
    }
}
