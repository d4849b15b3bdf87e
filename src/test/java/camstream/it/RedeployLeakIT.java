package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.ProcessProbe;
import camstream.it.support.ReconnectingViewers;
import camstream.it.support.Tomcat;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What redeploys leave behind in one long-lived Tomcat 11, driven through its autoDeploy
 * {@code webapps/} directory while viewers watch: each redeploy must leave nothing of the stopped
 * deployment, however its viewers were connected when it stopped.
 */
class RedeployLeakIT {

    private static final int REDEPLOYS = 20;
    /** Of each kind, HTTP streams (half multipart, half H.264) and WebSocket. */
    private static final int VIEWERS = 20;
    private static final String WEBAPP_LOADER = "org.apache.catalina.loader.ParallelWebappClassLoader";

    @Test
    void twentyRedeploysWithViewersWatchingLeaveOnlyTheCurrentDeploymentInTheProcess() throws Exception {
        try (Tomcat tomcat = new Tomcat(Tomcat.TOMCAT_11, "redeploy-leak")) {
            tomcat.deploy().start(Map.of("camstream.cameras", "a", "camstream.fps", "10",
                    "camstream.width", "320", "camstream.height", "240"));
            tomcat.awaitReady("/"); // the page, as its first visitor gets it
            ProcessProbe jvm = new ProcessProbe(tomcat.jvm(), tomcat.base());
            // libffi's closure file (/tmp/ffiXXXXXX, deleted at once), one per copy of JNA that makes closures
            long ffiOpen = jvm.openDeletedFiles("ffi");
            long ffiMapped = jvm.mappedDeletedFiles("ffi");

            try (ReconnectingViewers viewers = ReconnectingViewers.watch(tomcat, "a", VIEWERS)) {
                for (int i = 1; i <= REDEPLOYS; i++) {
                    awaitWatching(viewers, "before redeploy " + i);
                    int started = tomcat.logCount("camstream started");
                    redeploy(tomcat);
                    Await.until(Duration.ofSeconds(120), "redeploy " + i + " to start",
                            () -> tomcat.logCount("camstream started") > started && tomcat.status("/") == 200);
                }
                awaitWatching(viewers, "after the last redeploy");

                long[] loaders = new long[1];
                long[] openCvCopies = new long[1];
                // Each GC.class_histogram collects first; a collected deployment's native libraries are unloaded just after.
                Await.within(Duration.ofSeconds(60), () -> {
                    loaders[0] = jvm.liveInstances(WEBAPP_LOADER);
                    openCvCopies[0] = jvm.mappedDeletedFiles("camstream-opencv");
                    return loaders[0] == 1 && openCvCopies[0] <= 2;
                });
                long ffiOpenNow = jvm.openDeletedFiles("ffi");
                long ffiMappedNow = jvm.mappedDeletedFiles("ffi");
                assertAll("after " + REDEPLOYS + " redeploys and full GCs",
                        () -> assertEquals(1, loaders[0], "webapp class loaders alive"),
                        // The current deployment's copy, and the first one's: the dynamic linker never unloads the copy
                        // that defined OpenCV's unique C++ symbols (STB_GNU_UNIQUE), which every later copy binds to.
                        () -> assertTrue(openCvCopies[0] <= 2, "copies of OpenCV's native library mapped: " + openCvCopies[0]),
                        () -> assertEquals(ffiOpen, ffiOpenNow, "descriptors of deleted ffi* files, as after the first deployment"),
                        () -> assertEquals(ffiMapped, ffiMappedNow, "mappings of deleted ffi* files, as after the first deployment"));
            }
            assertEquals(REDEPLOYS, tomcat.logCount("camstream stopped"), "every deployment stopped cleanly:\n" + tomcat.tail());
            List<String> leaks = tomcat.leakWarnings();
            assertTrue(leaks.isEmpty(), leaks.size() + " leak warnings in Tomcat's log, the first: "
                    + (leaks.isEmpty() ? "" : leaks.get(0)));
        }
    }

    /**
     * Copies the WAR in again: Tomcat stops the running deployment and deploys the new file. Dated a
     * second back, as Tomcat leaves a younger WAR alone in case it is still being written; this one
     * is complete, renamed into place.
     */
    private static void redeploy(Tomcat tomcat) throws IOException {
        tomcat.deploy();
        Files.setLastModifiedTime(tomcat.webapps().resolve("camstream.war"),
                FileTime.fromMillis(System.currentTimeMillis() - 1500));
    }

    private static void awaitWatching(ReconnectingViewers viewers, String when) {
        Await.until(Duration.ofSeconds(60), VIEWERS + " HTTP stream and " + VIEWERS + " WebSocket viewers watching " + when,
                () -> viewers.watchingStreams() == VIEWERS && viewers.watchingSockets() == VIEWERS);
    }
}
