package camstream.web;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;

import java.util.ArrayList;
import java.util.List;

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

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
