package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.Multipart;
import camstream.web.LatestWinsWriter.State;
import jakarta.servlet.ServletOutputStream;
import org.jetbrains.kotlinx.lincheck.LinCheckerKt;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import static camstream.web.ModelChecks.check;
import static org.jetbrains.kotlinx.lincheck.strategy.managed.ManagedStrategyGuaranteeKt.forClasses;

/**
 * lincheck's model checker runs hand-picked scenarios of a few operations on two threads and
 * explores their interleavings, switching threads at shared reads and writes of the viewer, the
 * broadcaster and the executor, few switches first: the windows the stress test hits only by luck
 * (an offer between the writer finding nothing pending and going IDLE, an onWritePossible between
 * isReady() false and the wait, a close while a write is in progress, a writer leaving drain() as
 * the next one enters) are each reached. {@link SocketViewerModelCheckTest} does the same for the
 * other transport of {@link LatestWinsWriter}.
 *
 * <p>Operations return nothing; the scripted output records any broken rule and the operation that
 * sees it throws. After each run the validation settles the viewer (runs the writer pool, delivers
 * onWritePossible while one is owed) and checks the end state: completed exactly once if closed,
 * otherwise IDLE with the last frame written.
 *
 * <p>Each of these was checked to fail when the code it guards is taken out of
 * {@link LatestWinsWriter}: the writer's second look at pending after IDLE (a frame is held back),
 * WRITING_AGAIN (an onWritePossible during the writer's step is lost and the viewer stays PENDING),
 * and a close during a write only recorded (the response is completed inside write()).
 */
public class MultipartViewerModelCheckTest {

    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ManualExecutor pool = new ManualExecutor();
    // A clock that stands still: a viewer that joins is offered the newest frame only if it is under 1 s
    // old, and lincheck, instrumented on a busy machine, has taken longer than that between two steps.
    private final Broadcaster broadcaster = new Broadcaster(pool, () -> { }, () -> 0L);
    private final ScriptedOutput out = new ScriptedOutput(false);
    private final MultipartViewer viewer =
            new MultipartViewer("cam", "model", out, out::complete, broadcaster, STALL_NANOS);
    private long published;
    /** Set once start() returned: from then on the container may report events on the request. */
    private volatile boolean started;

    public MultipartViewerModelCheckTest() {
        // Even frames fill the connection (the viewer waits for onWritePossible), odd ones do not (it goes IDLE).
        out.fillAfterWriting(n -> n % 2 == 0);
    }

    /** The camera publishes the next picture. */
    @Operation
    public void publish() {
        published++;
        broadcaster.publish(ScriptedOutput.jpeg(published), Long.BYTES, published, false);
        ruleKept();
    }

    /**
     * The servlet starts the viewer: it joins the broadcaster and sets the write listener. Here, in
     * the checked run, not in the constructor: lincheck gives objects other identity hash codes in
     * the run than outside it, so a viewer added to the broadcaster's set outside would not be found
     * in it inside.
     */
    @Operation
    public void servletStarts() {
        if (!started) {
            viewer.start();
            started = true;
        }
        ruleKept();
    }

    /** The container delivers onWritePossible if it owes one (first, and after isReady() said false). */
    @Operation
    public void containerWakesUp() {
        out.wakeUp();
        ruleKept();
    }

    /** A writer-pool thread runs the drains that offers scheduled. */
    @Operation
    public void runWriterPool() {
        pool.runAll();
        ruleKept();
    }

    @Operation
    public void closeAll() {
        broadcaster.closeAll("server stopping");
        ruleKept();
    }

    @Operation
    public void asyncOnComplete() {
        if (started) {
            viewer.onComplete(MultipartViewerTest.event(null));
        }
        ruleKept();
    }

    @Operation
    public void tickLongAfterTheStallTimeout() {
        broadcaster.tick(System.nanoTime() + 2 * STALL_NANOS);
        ruleKept();
    }

    @Validate
    public void settledItHoldsNoFrameBackOrIsCompletedOnce() {
        servletStarts();
        ModelChecks.settle(pool, () -> viewer.state() != State.CLOSED && out.wakeUp());
        ruleKept();
        State s = viewer.state();
        if (s == State.CLOSED) {
            check(out.completes() == 1, "closed but completed " + out.completes() + " times");
            check(broadcaster.cameraViewerCount() == 0, "closed but still in the broadcaster");
        } else {
            check(out.completes() == 0, "completed but " + s);
            check(s == State.IDLE, "settled in " + s + " instead of IDLE");
            check(out.lastWritten() == (published == 0 ? -1 : published),
                    "frame " + published + " held back; last written " + out.lastWritten());
        }
    }

    private void ruleKept() {
        List<String> v = out.violations();
        check(v.isEmpty(), String.valueOf(v));
    }

    /**
     * Arms the output: the next frame write reports a connection error on the writing thread itself,
     * from inside write(), as a container may. The close is only recorded: the writer completes the
     * response once write() returned, never inside it (the output sees a second call in progress).
     */
    @Operation
    public void errorInsideTheNextWrite() {
        out.onNextWrite(() -> viewer.onError(new IOException("Connection reset (scripted)")));
    }

    /**
     * The interleavings that matter. Each race is set up (in lincheck's initial part) so that one
     * thread switch at the right place reaches it: the model checker tries few switches first.
     */
    @Test
    void offersWakeupsDrainsAndClosesKeepTheRulesInEveryExploredInterleaving() throws NoSuchMethodException {
        ModelCheckingOptions options = options(Integer.getInteger("lincheck.invocations", 50), true);
        List<String> started = List.of("servletStarts", "containerWakesUp");
        // An offer races the first drain (head flush, nothing pending, IDLE): the writer must come back for it.
        options.addCustomScenario(scenario(List.of("servletStarts"), List.of("containerWakesUp"),
                List.of("publish", "publish")));
        // Offers race a writer on the pool going IDLE.
        options.addCustomScenario(scenario(concat(started, "publish"), List.of("runWriterPool"),
                List.of("publish", "publish")));
        // onWritePossible arrives between the writer's isReady() false (frame 2 fills the connection) and
        // its move to PENDING: the writer must ask isReady() again rather than wait for nothing.
        options.addCustomScenario(scenario(concat(started, "publish", "publish"), List.of("runWriterPool"),
                List.of("containerWakesUp")));
        // Each close path lands anywhere: PENDING, IDLE, a write on the pool, a write in onWritePossible.
        for (String close : List.of("closeAll", "asyncOnComplete", "tickLongAfterTheStallTimeout")) {
            options.addCustomScenario(scenario(concat(started, "publish", "publish"),
                    List.of("runWriterPool", "containerWakesUp"), List.of(close)));
        }
        LinCheckerKt.check(options, MultipartViewerModelCheckTest.class);
    }

    /**
     * A connection error reported inside a write, on the writer's own thread, while the pool and the
     * container's first onWritePossible take turns as the writer.
     */
    @Test
    void aContainerErrorInsideAWriteIsCompletedByTheWriterAfterTheWrite() throws NoSuchMethodException {
        ModelCheckingOptions options = options(Integer.getInteger("lincheck.errorInvocations", 50), false);
        options.addCustomScenario(scenario(List.of(),
                List.of("errorInsideTheNextWrite", "servletStarts", "containerWakesUp"),
                List.of("publish", "runWriterPool")));
        LinCheckerKt.check(options, MultipartViewerModelCheckTest.class);
    }

    private static List<String> concat(List<String> first, String... then) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(then));
        return all;
    }

    /**
     * @param writeIsOneStep a container's write is one step for the viewer, with no thread switch
     *                       inside; not so when the write calls back into the viewer
     */
    private static ModelCheckingOptions options(int invocations, boolean writeIsOneStep) {
        return ModelChecks.options(invocations)
                // One step each, with no thread switch inside: the container's calls (made on
                // ServletOutputStream), the scripted output's bookkeeping (but not fireWritePossible, which
                // runs the viewer), the test's queues, logging, the wire format, and the broadcaster's viewer
                // set, whose iteration follows identity hash codes that lincheck does not replay the same way
                // twice ("non-determinism found") unless it is atomic. Calls match the type they are made on.
                .addGuarantee(forClasses(ServletOutputStream.class.getName())
                        .methods(writeIsOneStep ? new String[] {"isReady", "write", "flush"}
                                : new String[] {"isReady", "flush"})
                        .treatAsAtomic())
                .addGuarantee(forClasses(ScriptedOutput.class.getName())
                        .methods("enter", "exit", "event", "mayWriteOnce", "maybeFill", "counterOf",
                                "startsWithPreamble", "complete", "owed", "hasListener", "violations",
                                "violation", "lastWritten", "completes", "setWriteListener", "onNextWrite",
                                "fillAfterWriting", "jpeg")
                        .treatAsAtomic())
                .addGuarantee(forClasses(Queue.class.getName(), Set.class.getName(), Iterator.class.getName(),
                        Logger.class.getName(), Multipart.class.getName())
                        .allMethods().treatAsAtomic());
    }

    private static ExecutionScenario scenario(List<String> init, List<String> thread1, List<String> thread2)
            throws NoSuchMethodException {
        return ModelChecks.scenario(MultipartViewerModelCheckTest.class, "settledItHoldsNoFrameBackOrIsCompletedOnce",
                init, thread1, thread2);
    }
}
