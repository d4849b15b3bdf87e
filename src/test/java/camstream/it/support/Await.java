package camstream.it.support;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds or a deadline passes: the tests' only way to wait. */
public final class Await {

    private Await() {
    }

    /** Whether the condition came to hold within {@code timeout}: for measuring what does not happen. */
    public static boolean within(Duration timeout, Callable<Boolean> condition) {
        try {
            until(timeout, "measurement", condition);
            return true;
        } catch (AssertionError e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Timed out")) {
                return false;
            }
            throw e;
        }
    }

    public static void until(Duration timeout, String what, Callable<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError err = new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
                if (last != null) {
                    err.initCause(last);
                }
                throw err;
            }
            try {
                Thread.sleep(100); // poll interval, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for " + what, e);
            }
        }
    }
}
