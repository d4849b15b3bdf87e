package camstream.it;

import camstream.faults.FaultsJar;
import camstream.it.support.Await;
import camstream.it.support.Tomcat;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Undeploying from Tomcat 11 while a camera's read hangs like a dead device: the undeploy is not held
 * up, the log names the stuck camera, and everything else camstream started is gone at once; the
 * stuck thread ends by itself when its read returns.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HangingSourceUndeployIT {

    private static final int HANG_SECONDS = 15;

    private Tomcat tomcat;

    @BeforeAll
    void start() throws Exception {
        tomcat = new Tomcat(Tomcat.TOMCAT_11, "hanging-undeploy");
        tomcat.contextParameters(Map.of(
                "camstream.cameras", "hang,fine",
                "camstream.width", "320",
                "camstream.height", "240",
                "camstream.fps", "15",
                "camstream.sourceTimeout", "2",
                "camstream.camera.hang.source", "faulty:ok*15,hang=" + HANG_SECONDS,
                "camstream.camera.fine.source", "test-pattern")).deploy(FaultsJar.war()).start(Map.of());
        tomcat.awaitReady("/");
    }

    @AfterAll
    void stop() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void undeployWhileAReadHangsReturnsAtOnceNamesTheCameraAndLeavesOnlyThatThreadUntilTheReadReturns() throws Exception {
        Metrics metrics = new Metrics(tomcat.url("/metrics"));
        long undeployed;
        try (MjpegStream hang = MjpegStream.open(tomcat.url("/stream/hang"));
             MjpegStream fine = MjpegStream.open(tomcat.url("/stream/fine"))) {
            fine.next();
            hang.next();
            Await.until(Duration.ofSeconds(15), "the hanging read to be noticed",
                    () -> metrics.state("hang").equals("no-signal"));
            assertEquals("live", metrics.state("fine"));

            undeployed = System.nanoTime();
            tomcat.undeploy();
            Await.until(Duration.ofSeconds(30), "camstream to stop", () -> tomcat.log().contains("camstream stopped"));
        }
        double seconds = (System.nanoTime() - undeployed) / 1e9;
        // Tomcat's 1 s deployment scan and 2 s unloadDelay, then camstream's stop waits the 2 s source timeout.
        assertTrue(seconds < 8, "undeploy took " + seconds + " s");
        String log = tomcat.log();
        assertTrue(log.contains("Camera 'hang': the capture thread did not stop in the read of faulty source"), tomcat.tail());
        assertTrue(log.contains("camstream stopped, except the capture thread of camera(s) [hang]"), tomcat.tail());
        assertEquals(List.of("camstream-capture-hang"), tomcat.camstreamThreads(), "only the stuck thread is left");
        // Tomcat's leak check names it, and nothing else of camstream's.
        assertEquals(List.of(), log.lines().filter(l -> l.contains("appears to have started a thread named")
                && !l.contains("[camstream-capture-hang]")).toList());

        Await.until(Duration.ofSeconds(HANG_SECONDS + 10), "the stuck thread to end when its read returns",
                () -> tomcat.camstreamThreads().isEmpty());
    }

}
