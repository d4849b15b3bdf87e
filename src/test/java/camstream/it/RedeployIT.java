package camstream.it;

import camstream.it.support.Await;
import camstream.support.MjpegStream;
import camstream.it.support.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The life of the WAR in one running Tomcat 11, as an operator drives it through the autoDeploy
 * {@code webapps/} directory: deploy, undeploy, deploy again, stop. Tomcat's own leak detection runs
 * at every undeploy and its warnings go to the log this test reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedeployIT {


    private Tomcat tomcat;

    @BeforeAll
    void start() throws IOException {
        tomcat = new Tomcat(Tomcat.TOMCAT_11, "redeploy").deploy()
                .start(Map.of("camstream.cameras", "a,b", "camstream.fps", "15"));
        tomcat.awaitReady("/");
    }

    @AfterAll
    void stop() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    @Order(1)
    void undeployEndsOpenStreamsAndStopsEveryCamstreamThread() throws Exception {
        try (MjpegStream viewer = MjpegStream.open(tomcat.url("/stream/a"))) {
            viewer.next();
            assertTrue(tomcat.camstreamThreads().contains("camstream-capture-a"), "capture thread runs while watched");
            // /status (Gson) and /metrics (the Prometheus client) on Tomcat's threads: nothing of theirs may stay behind
            assertEquals(200, tomcat.get("/status").statusCode());
            assertEquals(200, tomcat.get("/metrics").statusCode());

            tomcat.undeploy();
            Await.until(Duration.ofSeconds(60), "Tomcat to undeploy /camstream", () -> tomcat.status("/") == 404
                    && tomcat.log().contains("camstream stopped"));
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    viewer.next();
                }
            }, "the open stream ends with the webapp");
        }
        assertEquals(List.of(), tomcat.camstreamThreads(), "threads left in Tomcat after undeploy");
    }

    @Test
    @Order(2)
    void redeployLoadsOpenCvAgainAndStreams() throws Exception {
        tomcat.deploy();
        tomcat.awaitReady("/");
        assertEquals(2, tomcat.logCount(ContainerContract.readyLine(tomcat)));
        try (MjpegStream viewer = MjpegStream.open(tomcat.url("/stream/b"))) {
            ContainerContract.jpeg(viewer.next().body());
        }
        assertEquals(200, tomcat.getBytes("/snapshot/a").statusCode());
        assertFalse(tomcat.log().contains("UnsatisfiedLinkError"), tomcat.tail());
    }

    @Test
    @Order(3)
    void stoppingTomcatLeavesNoLeakWarningsInItsLog() {
        tomcat.stop();
        String log = tomcat.log();
        assertEquals(2, tomcat.logCount("camstream stopped"), "both deployments stopped cleanly:\n" + tomcat.tail());
        for (String bad : List.of("appears to have started a thread named", "memory leak", "UnsatisfiedLinkError",
                "did not stop within")) {
            assertEquals(List.of(), log.lines().filter(l -> l.contains(bad)).toList(), "Tomcat log lines with \"" + bad + "\"");
        }
    }

}
