package camstream.web;

import camstream.stream.Broadcaster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a socket holds: one {@link Ticket} per camera it watches, taken through the camera's door when
 * it joins and released exactly once when it leaves, whichever path ends it. The doors are scripted
 * and keep a journal; the broadcasters are real.
 */
class SocketViewerTicketsTest {

    private final ManualExecutor executor = new ManualExecutor();
    private final Broadcaster front = new Broadcaster(executor, () -> { });
    private final Broadcaster back = new Broadcaster(executor, () -> { });
    private final ScriptedSender sender = new ScriptedSender();
    private final SocketHub hub = new SocketHub();
    private final SocketViewer viewer = new SocketViewer("test-client", sender, TimeUnit.SECONDS.toNanos(5), hub);
    /** Every enter and release, in order: "enter front", "release front", "refused back". */
    private final List<String> journal = new ArrayList<>();
    private final Map<String, Integer> held = new HashMap<>();
    private final Map<String, String> refusing = new HashMap<>();

    @AfterEach
    void theSessionSawNoBrokenRule() {
        assertEquals(List.of(), sender.violations());
    }

    /** A camera whose door hands out tickets on {@code b}, or refuses while {@link #refusing} names it. */
    private SocketViewer.Target target(String camera, String options, Broadcaster b) {
        return new SocketViewer.Target(camera, options, 0, () -> {
            String why = refusing.get(camera);
            if (why != null) {
                journal.add("refused " + camera);
                throw new Refused(Refused.Reason.VIEWER_LIMIT, why);
            }
            journal.add("enter " + camera);
            held.merge(camera, 1, Integer::sum);
            return new Ticket(null, b, () -> {
                journal.add("release " + camera);
                held.merge(camera, -1, Integer::sum);
            });
        });
    }

    private SocketViewer.Target front() {
        return target("front", "", front);
    }

    private SocketViewer.Target back() {
        return target("back", "", back);
    }

    private int held(String camera) {
        return held.getOrDefault(camera, 0);
    }

    @Test
    void eachCameraJoinedTakesOneTicketAndLeavingItReleasesThatTicket() {
        viewer.watch(List.of(front(), back()));
        viewer.watch(List.of(front()));
        assertEquals(List.of("enter front", "enter back", "release back"), journal);
        assertEquals(1, held("front"));
        assertEquals(0, held("back"));
        assertEquals(0, back.cameraViewerCount());
    }

    @Test
    void aCameraAskedForAgainWithTheSameOptionsKeepsItsTicket() {
        viewer.watch(List.of(front()));
        viewer.watch(List.of(front()));
        viewer.watch(List.of(front(), front()));
        assertEquals(List.of("enter front"), journal);
    }

    @Test
    void aSocketThatLeavesAndRejoinsACameraHoldsOneTicketAtATime() {
        for (int i = 0; i < 50; i++) {
            viewer.watch(List.of(front(), back()));
            viewer.watch(List.of(i % 2 == 0 ? front() : back()));
            viewer.watch(List.of());
            assertEquals(0, held("front") + held("back"), "round " + i);
        }
        assertEquals(100, journal.stream().filter(e -> e.startsWith("enter")).count());
        assertEquals(100, journal.stream().filter(e -> e.startsWith("release")).count());
        assertEquals(0, front.cameraViewerCount() + back.cameraViewerCount());
    }

    @Test
    void otherOptionsReleaseTheOldTicketBeforeTakingTheNewOne() {
        // With a viewer limit of one, the new ticket would be refused if the old one were still held.
        viewer.watch(List.of(front()));
        viewer.watch(List.of(target("front", "width=320", front.sibling())));
        assertEquals(List.of("enter front", "release front", "enter front"), journal);
        assertEquals(1, held("front"));
    }

    @Test
    void aRefusedCameraHoldsNothingAndTheOthersStillJoin() {
        refusing.put("back", "camera 'back' already has its maximum of 1 viewers; try again later");
        viewer.watch(List.of(front(), back()));
        assertEquals(List.of("enter front", "refused back"), journal);
        assertEquals(0, back.cameraViewerCount());

        refusing.clear();
        viewer.watch(List.of(front(), back()));
        assertEquals(List.of("enter front", "refused back", "enter back"), journal, "asked again, it joins");
        assertEquals(1, back.cameraViewerCount());
    }

    @Test
    void closingAnIdleSocketReleasesEveryTicketOnce() {
        hub.add(viewer);
        viewer.watch(List.of(front(), back()));
        viewer.close("closed: 1000");
        viewer.close("connection error: IOException");
        assertReleasedOnce();
    }

    @Test
    void closingWhileASendIsOutReleasesEveryTicketOnce() {
        hub.add(viewer);
        viewer.watch(List.of(front(), back()));
        sender.inline(false);
        front.publish(ScriptedOutput.jpeg(1), Long.BYTES, 1, false);
        executor.runAll();
        assertEquals(LatestWinsWriter.State.PENDING, viewer.state());
        viewer.close("stalled");
        sender.complete(new java.io.IOException("closed"));
        assertReleasedOnce();
    }

    @Test
    void aCloseDuringTheContainersSendCallReleasesEveryTicketOnce() {
        hub.add(viewer);
        viewer.watch(List.of(front(), back()));
        sender.duringNextSend(() -> viewer.close("closed: 1001"));
        front.publish(ScriptedOutput.jpeg(1), Long.BYTES, 1, false);
        executor.runAll();
        assertReleasedOnce();
    }

    @Test
    void theBroadcastersShutdownReleasesEveryTicketOnce() {
        hub.add(viewer);
        viewer.watch(List.of(front(), back()));
        front.closeAll("server stopping");
        back.closeAll("server stopping");
        assertReleasedOnce();
    }

    @Test
    void aWatchRequestAfterTheCloseTakesNoTicket() {
        viewer.close("closed: 1000");
        viewer.watch(List.of(front()));
        assertEquals(List.of(), journal);
    }

    private void assertReleasedOnce() {
        assertEquals(SocketViewer.State.CLOSED, viewer.state());
        assertEquals(2, journal.stream().filter(e -> e.startsWith("release")).count(), journal.toString());
        assertEquals(0, held("front"));
        assertEquals(0, held("back"));
        assertEquals(0, front.cameraViewerCount() + back.cameraViewerCount());
    }
}
