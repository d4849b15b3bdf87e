package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.PendingFrame;
import camstream.stream.SocketMessage;
import camstream.stream.ViewerStats;
import camstream.web.LatestWinsWriter.State;
import org.jetbrains.kotlinx.lincheck.LinCheckerKt;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import static camstream.web.ModelChecks.check;
import static org.jetbrains.kotlinx.lincheck.strategy.managed.ManagedStrategyGuaranteeKt.forClasses;

/**
 * lincheck's model checker on one WebSocket connection watching two cameras: hand-picked scenarios
 * of a few operations on two threads, every interleaving explored at the shared reads and writes of
 * the connection, its subscriptions, the broadcasters and the executor, few thread switches first.
 * The windows reached are the ones a stress test hits only by luck: an offer between the writer
 * finding nothing ready and going IDLE, a send's completion between the writer leaving the container's
 * call and moving to PENDING, a close while the writer is in that call, a stall tick or a failed send
 * racing a completion that makes another thread the writer.
 *
 * <p>Pictures with odd numbers complete inside the send call, even ones when the container (an
 * operation) completes them. The scripted session records any broken rule (two sends out at once, a
 * send after close, a close that would wait behind a message still out) and the operation that sees
 * it throws. After each run the validation settles the connection (runs the writer pool, completes
 * what is out) and checks the end state: closed exactly once and gone from both broadcasters and the
 * hub if closed, otherwise IDLE with each camera's last picture sent.
 *
 * <p>Each of these was checked to fail when the code it guards is taken out of
 * {@link LatestWinsWriter}: the writer's second look after IDLE (a picture is held back), WRITING_AGAIN
 * (a completion during the call is lost and the connection stays PENDING), a close during a call only
 * recorded (a send after close), and counting the owed completion before the move to PENDING (a
 * close there would wait behind the message).
 */
public class SocketViewerModelCheckTest {

    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ManualExecutor pool = new ManualExecutor();
    // Clocks that stand still: a subscription that joins is offered the newest picture only if it is
    // under 1 s old, and lincheck, instrumented on a busy machine, has taken longer than that between steps.
    private final Broadcaster front = new Broadcaster(pool, () -> { }, () -> 0L);
    private final Broadcaster back = new Broadcaster(pool, () -> { }, () -> 0L);
    private final ScriptedSender sender = new ScriptedSender();
    private final SocketHub hub = new SocketHub();
    private final SocketViewer viewer = new SocketViewer("model", sender, STALL_NANOS, hub);
    private long published;
    private long lastFront = -1;
    private long lastBack = -1;
    /** Set once the client's watch request was served: from then on the connection is a viewer of both. */
    private volatile boolean watching;

    public SocketViewerModelCheckTest() {
        sender.inline(false);
        sender.inlineFor(picture -> picture % 2 == 1);
    }

    /**
     * The page asks for both cameras. Here, in the checked run, not in the constructor: lincheck gives
     * objects other identity hash codes in the run than outside it, so a subscription added to a
     * broadcaster's set outside would not be found in it inside.
     */
    @Operation
    public void clientWatchesBoth() {
        if (!watching) {
            hub.add(viewer);
            viewer.watch(List.of(new SocketViewer.Target("front", front), new SocketViewer.Target("back", back)));
            watching = true;
        }
        ruleKept();
    }

    @Operation
    public void publishFront() {
        lastFront = publish(front);
        ruleKept();
    }

    @Operation
    public void publishBack() {
        lastBack = publish(back);
        ruleKept();
    }

    private long publish(Broadcaster b) {
        long n = ++published;
        b.publish(ScriptedOutput.jpeg(n), Long.BYTES, n, false);
        return n;
    }

    /** A writer-pool thread runs the drains that offers scheduled. */
    @Operation
    public void runWriterPool() {
        pool.runAll();
        ruleKept();
    }

    /** The container completes the send that is out, if any: this thread may become the writer. */
    @Operation
    public void containerCompletes() {
        sender.completeIfOutstanding(null);
        ruleKept();
    }

    /** The send that is out, if any, fails. */
    @Operation
    public void containerFailsTheSend() {
        sender.completeIfOutstanding(new IOException("Connection reset (model)"));
        ruleKept();
    }

    /** The endpoint's onClose or onError. */
    @Operation
    public void peerCloses() {
        viewer.close("closed: 1001");
        ruleKept();
    }

    @Operation
    public void closeAll() {
        front.closeAll("server stopping");
        ruleKept();
    }

    @Operation
    public void tickLongAfterTheStallTimeout() {
        back.tick(System.nanoTime() + 2 * STALL_NANOS);
        ruleKept();
    }

    @Validate
    public void settledItHoldsNoPictureBackOrIsClosedOnce() {
        clientWatchesBoth();
        ModelChecks.settle(pool, () -> sender.completeIfOutstanding(null));
        ruleKept();
        State s = viewer.state();
        if (s == State.CLOSED) {
            check(sender.closes() == 1, "closed but the session was closed " + sender.closes() + " times");
            check(front.cameraViewerCount() + back.cameraViewerCount() == 0, "closed but still watching");
            check(hub.connections() == 0, "closed but still in the hub");
        } else {
            check(sender.closes() == 0, "the session was closed but the connection is " + s);
            check(s == State.IDLE, "settled in " + s + " instead of IDLE");
            check(sender.lastSent("front") == lastFront && sender.lastSent("back") == lastBack,
                    "held back: last sent front " + sender.lastSent("front") + " back " + sender.lastSent("back")
                            + ", published front " + lastFront + " back " + lastBack);
        }
    }

    private void ruleKept() {
        List<String> v = sender.violations();
        check(v.isEmpty(), String.valueOf(v));
    }

    /**
     * The interleavings that matter. Each race is set up (in lincheck's initial part) so that one
     * thread switch at the right place reaches it: the model checker tries few switches first.
     */
    @Test
    void offersCompletionsClosesAndTicksKeepTheRulesInEveryExploredInterleaving() throws NoSuchMethodException {
        ModelCheckingOptions options = options(Integer.getInteger("lincheck.invocations", 50));
        // Offers race the writer on the pool going IDLE (picture 1 completes inside its send).
        options.addCustomScenario(scenario(List.of("clientWatchesBoth", "publishFront"), List.of("runWriterPool"),
                List.of("publishBack", "publishFront")));
        // Picture 2 is out when the writer leaves the call: its completion races the move to PENDING, and the
        // completing thread may become the writer for picture 3.
        options.addCustomScenario(scenario(List.of("clientWatchesBoth", "publishFront", "publishFront"),
                List.of("runWriterPool"), List.of("containerCompletes", "publishBack")));
        // Each way a connection ends lands anywhere: IDLE, inside a send on the pool, between the send and
        // PENDING, PENDING, inside a completion that became the writer.
        for (String end : List.of("peerCloses", "closeAll", "tickLongAfterTheStallTimeout", "containerFailsTheSend")) {
            options.addCustomScenario(scenario(List.of("clientWatchesBoth", "publishFront", "publishFront"),
                    List.of("runWriterPool", "containerCompletes"), List.of("publishBack", end)));
        }
        LinCheckerKt.check(options, SocketViewerModelCheckTest.class);
    }

    /**
     * A close between the writer's move to PENDING and the steps after it: the message is out and the
     * close must say so, or the session's close would wait behind it (Jetty until its idle timeout).
     * One switch at one place among many: with the pending frames one step each, 100 runs reached it
     * each time we tried with that guard taken out; 50 runs of the scenarios above did not.
     */
    @Test
    void aCloseThatFindsTheWriterPendingKnowsTheMessageIsStillOut() throws NoSuchMethodException {
        ModelCheckingOptions options = options(Integer.getInteger("lincheck.closeInvocations", 100))
                .addGuarantee(forClasses(PendingFrame.class.getName()).allMethods().treatAsAtomic());
        options.addCustomScenario(scenario(List.of("clientWatchesBoth", "publishFront", "publishFront"),
                List.of("runWriterPool"), List.of("peerCloses")));
        LinCheckerKt.check(options, SocketViewerModelCheckTest.class);
    }

    private static ModelCheckingOptions options(int invocations) {
        return ModelChecks.options(invocations)
                // One step each, with no thread switch inside: the session's calls (a send that completes inside
                // the call leaves the connection WRITING_AGAIN, as a completion on another thread during the
                // call would), the scripted session's bookkeeping (but not completing, which may make the
                // calling thread the writer), the hub, the statistics, the frames' wire format, logging, and
                // the collections (sets iterate in identity hash order, which lincheck does not replay the
                // same way twice unless they are atomic). Calls match the type they are made on.
                .addGuarantee(forClasses(SocketViewer.Sender.class.getName()).methods("send", "close").treatAsAtomic())
                .addGuarantee(forClasses(ScriptedSender.class.getName())
                        .methods("record", "violation", "violations", "lastSent", "closes", "outstanding", "sent",
                                "inline", "inlineFor")
                        .treatAsAtomic())
                .addGuarantee(forClasses(SocketHub.class.getName(), ViewerStats.class.getName(),
                        Frame.class.getName(), SocketMessage.class.getName(), Logger.class.getName(),
                        Queue.class.getName(), Set.class.getName(), Map.class.getName(), Collection.class.getName(),
                        Iterator.class.getName())
                        .allMethods().treatAsAtomic());
    }

    private static ExecutionScenario scenario(List<String> init, List<String> thread1, List<String> thread2)
            throws NoSuchMethodException {
        return ModelChecks.scenario(SocketViewerModelCheckTest.class, "settledItHoldsNoPictureBackOrIsClosedOnce",
                init, thread1, thread2);
    }
}
