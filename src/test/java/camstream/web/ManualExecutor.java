package camstream.web;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An executor whose tasks run only when the test says, on the test's thread: interleavings become a script. */
final class ManualExecutor implements Executor {

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    int queued() {
        return tasks.size();
    }

    /** Runs the queued tasks, and those they queue, until none is left; returns how many ran. */
    int runAll() {
        int n = 0;
        for (Runnable t; (t = tasks.poll()) != null; n++) {
            t.run();
        }
        return n;
    }
}
