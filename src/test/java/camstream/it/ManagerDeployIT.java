package camstream.it;

import camstream.it.support.ServletContainer;
import camstream.it.support.Tomcat;
import camstream.it.support.TomcatManager;
import camstream.support.MjpegStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR deployed, redeployed and undeployed through the Tomcat Manager's text interface in one
 * running Tomcat 11, as a deploy script does it: PUT /manager/text/deploy with the WAR, then with
 * {@code update=true}, then /manager/text/undeploy. The WAR must fit the Manager's 50 MiB upload limit
 * (mvn package checks that); the streams must work after each step and Tomcat must find no leaks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagerDeployIT {

    private Tomcat tomcat;
    private TomcatManager manager;

    @BeforeAll
    void start() throws IOException {
        tomcat = new Tomcat(Tomcat.TOMCAT_11, "manager").withManager("deployer", "s3cret-for-tests")
                .withoutBackgroundProcessing()
                .start(Map.of("camstream.cameras", "a", "camstream.fps", "15"));
        manager = new TomcatManager(tomcat, "deployer", "s3cret-for-tests");
        tomcat.awaitStatus(tomcat.root("/manager/text/list"), 401);
    }

    @AfterAll
    void stop() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    @Order(1)
    void deployPutsTheWarInAndItStreams() throws Exception {
        assertFalse(manager.list().contains("/camstream:"), "nothing deployed at /camstream yet");
        assertEquals("OK - Deployed application at context path [/camstream]",
                manager.deploy(ServletContainer.CONTEXT, ServletContainer.war(), false).strip());
        assertTrue(manager.list().contains("/camstream:running:"), manager.list());
        assertStreams();
        assertEquals(1, count(tomcat.log(), ContainerContract.readyLine(tomcat)), tomcat.tail());
    }

    @Test
    @Order(2)
    void redeployWithUpdateReplacesTheRunningAppAndItStreamsAgain() throws Exception {
        try (MjpegStream before = MjpegStream.open(tomcat.url("/stream/a"))) {
            before.next();
            assertEquals("OK - Deployed application at context path [/camstream]",
                    manager.deploy(ServletContainer.CONTEXT, ServletContainer.war(), true).strip());
            assertEnds(before, "the stream of the replaced app ends with it");
        }
        assertStreams();
        String log = tomcat.log();
        assertEquals(1, count(log, "camstream stopped"), tomcat.tail());
        assertEquals(2, count(log, ContainerContract.readyLine(tomcat)), tomcat.tail());
    }

    @Test
    @Order(3)
    void undeployEndsTheStreamsAndRemovesTheApp() throws Exception {
        try (MjpegStream viewer = MjpegStream.open(tomcat.url("/stream/a"))) {
            viewer.next();
            assertEquals("OK - Undeployed application at context path [/camstream]",
                    manager.undeploy(ServletContainer.CONTEXT).strip());
            assertEnds(viewer, "the stream ends with the app");
        }
        assertEquals(404, tomcat.status("/"));
        assertFalse(manager.list().contains("/camstream:"), manager.list());
        assertFalse(Files.exists(tomcat.webapps().resolve("camstream.war")), "the Manager deletes the WAR");
        assertEquals(2, count(tomcat.log(), "camstream stopped"), tomcat.tail());
    }

    @Test
    @Order(4)
    void tomcatFindsNoLeakAndLogsNoLeakWarning() throws Exception {
        // findleaks runs a full GC and names each stopped app whose class loader something still holds;
        // an object on its way to collection can take a GC or two more.
        String leaks = "";
        for (int i = 0; i < 5 && !leaks.startsWith("OK - No memory leaks found"); i++) {
            leaks = manager.findLeaks().strip();
        }
        assertEquals("OK - No memory leaks found", leaks);
        tomcat.stop();
        for (String bad : List.of("appears to have started a thread named", "memory leak", "UnsatisfiedLinkError",
                "already loaded in another classloader", "SEVERE")) {
            assertEquals(List.of(), tomcat.log().lines().filter(l -> l.contains(bad)).toList(),
                    "Tomcat log lines with \"" + bad + "\"");
        }
    }

    /** A new viewer of camera a gets pictures, and a snapshot answers. */
    private void assertStreams() throws Exception {
        try (MjpegStream viewer = MjpegStream.open(tomcat.url("/stream/a"))) {
            ContainerContract.jpeg(viewer.next().body());
            ContainerContract.jpeg(viewer.next().body());
        }
        assertEquals(200, tomcat.getBytes("/snapshot/a").statusCode());
    }

    private static void assertEnds(MjpegStream viewer, String message) {
        assertThrows(IOException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                viewer.next();
            }
        }, message);
    }

    private static int count(String text, String needle) {
        return SourceFaultsContract.count(text, needle);
    }
}
