package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.DevServer;
import camstream.support.PictureSocket;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "Run it": {@code mvn jetty:run}, then open the URL it prints. Up within a minute, in a
 * few dozen lines, without Jetty's "scanned from multiple locations" warnings about JSTL.
 */
class DevServerIT {

    @Test
    void jettyRunPrintsTheUrlToOpenInAFewDozenLinesWithoutScanWarnings() throws Exception {
        try (DevServer dev = new DevServer().start()) {
            String ready = "camstream is ready: " + dev.root("/");
            Await.until(Duration.ofSeconds(90), "the ready line in the output of mvn jetty:run:\n" + dev.tail(), () -> {
                if (!dev.running()) {
                    throw new AssertionError("mvn jetty:run ended:\n" + dev.tail());
                }
                return dev.log().contains(ready);
            });
            // Under jetty:run the connector opens just after the webapp has started (and logged the line).
            dev.awaitStatus(dev.root("/"), 200);

            List<String> lines = dev.log().lines().toList();
            int upTo = 1 + (int) lines.stream().takeWhile(l -> !l.contains(ready)).count();
            assertTrue(upTo <= 60, upTo + " lines before the URL:\n" + String.join("\n", lines.subList(0, upTo)));
            assertEquals(List.of(), lines.stream().filter(l -> l.contains("scanned from multiple locations")).limit(3).toList());

            // The page's WebSocket works under jetty:run too (the plugin carries Jetty's Jakarta WebSocket server).
            try (PictureSocket socket = PictureSocket.open(PictureSocket.ws(dev.root("/socket"))).watch("default")) {
                assertEquals("default", socket.next(Duration.ofSeconds(30)).camera());
            }
        }
    }
}
