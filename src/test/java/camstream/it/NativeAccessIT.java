package camstream.it;

import camstream.it.support.JettyDistribution;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Jetty 12 distribution started without the native access README asks for. From Java 24 the JDK
 * warns when camstream loads OpenCV; camstream says first, once and in words, what to add. Before
 * Java 24 there is nothing to say. (Started as README says, no container logs either: ContainerContract.)
 */
class NativeAccessIT {

    @Test
    void withoutNativeAccessTheLogSaysOnceWhatToAddBeforeTheJdkWarns() throws Exception {
        try (JettyDistribution jetty = new JettyDistribution("jetty12-no-native-access")) {
            jetty.withoutNativeAccess();
            jetty.deploy().start(Map.of("camstream.cameras", "a"));
            jetty.awaitReady("/");
            assertEquals(200, jetty.status("/snapshot/a"), jetty.tail());
            List<String> lines = jetty.log().lines().toList();
            List<String> ours = lines.stream().filter(l -> l.contains("has not enabled native access")).toList();
            int jdk = indexOf(lines, "A restricted method in java.lang.System has been called");
            if (Runtime.version().feature() >= 24) {
                assertEquals(1, ours.size(), jetty.tail());
                assertTrue(ours.get(0).contains("--enable-native-access=ALL-UNNAMED"), ours.get(0));
                assertTrue(jdk >= 0, "the JDK warns too:\n" + jetty.tail());
                assertTrue(indexOf(lines, "has not enabled native access") < jdk, "camstream says it first");
            } else {
                assertEquals(List.of(), ours);
                assertFalse(jdk >= 0, jetty.tail());
            }
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
