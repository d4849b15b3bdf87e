package camstream.web;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What the writers' model checks share: hand-picked lincheck scenarios on two threads, each run
 * followed by the test's validation, and a failed check thrown so that lincheck reports it.
 */
final class ModelChecks {

    private ModelChecks() {
    }

    /** Two threads of up to three operations, only the scenarios the test adds, {@code invocations} runs each. */
    static ModelCheckingOptions options(int invocations) {
        return new ModelCheckingOptions()
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(0)
                .actorsAfter(0)
                .iterations(0)
                .invocationsPerIteration(invocations);
    }

    /** {@code init} on one thread, then the two threads, then {@code validation}: operations of {@code test} by name. */
    static ExecutionScenario scenario(Class<?> test, String validation, List<String> init, List<String> thread1,
                                      List<String> thread2) throws NoSuchMethodException {
        return new ExecutionScenario(actors(test, init), List.of(actors(test, thread1), actors(test, thread2)),
                List.of(), new Actor(test.getMethod(validation), List.of()));
    }

    private static List<Actor> actors(Class<?> test, List<String> names) throws NoSuchMethodException {
        List<Actor> actors = new ArrayList<>();
        for (String n : names) {
            actors.add(new Actor(test.getMethod(n), List.of()));
        }
        return actors;
    }

    /**
     * Settles a writer after a run: runs the writer pool's drains and the container's callbacks
     * ({@code container} delivers one if one is owed, and says whether it did) until neither moves.
     */
    static void settle(ManualExecutor pool, BooleanSupplier container) {
        for (int i = 0; i < 100; i++) {
            boolean progress = pool.runAll() > 0;
            if (container.getAsBoolean()) {
                progress = true;
            }
            if (!progress) {
                return;
            }
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
