package camstream.support;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * camstream on embedded Jetty in a JVM of its own, for tests that kill it: settings as
 * {@code key=value} arguments; prints {@code ready <url>} once it serves, then runs until killed.
 */
public final class EmbeddedMain {

    private EmbeddedMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            params.put(a.substring(0, eq), a.substring(eq + 1));
        }
        EmbeddedCamstream server = EmbeddedCamstream.start(params);
        System.out.println("ready " + server.uri(""));
        System.out.flush();
        Thread.currentThread().join();
    }
}
