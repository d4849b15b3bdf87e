package camstream.bench;

import camstream.it.support.JettyDistribution;
import camstream.it.support.ServletContainer;
import camstream.it.support.Tomcat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The unchanged WAR in a real container distribution, as a user deploys it: Tomcat 11, Tomcat 10.1
 * or Jetty 12, started by the integration tests' launchers with the container's default settings,
 * camstream's settings as system properties, plus only what README tells users to set.
 */
final class DistributionServer extends Server {

    /** The containers {@code --container} accepts, besides {@code embedded}. */
    static final List<String> NAMES = List.of("tomcat11", "tomcat10", "jetty12");

    /** What README's Tomcat section asks users to set on the HTTP connector for many viewers, and nothing else. */
    static final Map<String, String> TOMCAT_CONNECTOR = Bench.keyValues(System.getProperty("bench.tomcatConnector", ""));

    /** The JVM options README asks for, in CATALINA_OPTS or before {@code -jar start.jar}. */
    static final List<String> JVM = List.of(System.getProperty("bench.containerJvm", "").trim().split("\\s+"))
            .stream().filter(s -> !s.isEmpty()).toList();

    private final ServletContainer container;
    private final long pid;

    DistributionServer(String name, Path war, Map<String, String> settings) throws IOException {
        String base = "bench-" + name;
        container = switch (name) {
            case "tomcat11" -> ((Tomcat) new Tomcat(Tomcat.TOMCAT_11, base).connector(TOMCAT_CONNECTOR).jvmOptions(JVM))
                    .deploy(war).start(settings);
            case "tomcat10" -> ((Tomcat) new Tomcat(Tomcat.TOMCAT_10, base).connector(TOMCAT_CONNECTOR).jvmOptions(JVM))
                    .deploy(war).start(settings);
            case "jetty12" -> ((JettyDistribution) new JettyDistribution(base).jvmOptions(JVM)).deploy(war).start(settings);
            default -> throw new IllegalArgumentException("unknown container " + name + "; use embedded or one of " + NAMES);
        };
        container.awaitReady("/metrics");
        pid = container.jvm().pid();
    }

    @Override
    long pid() {
        return pid;
    }

    @Override
    int port() {
        return container.port();
    }

    @Override
    String contextPath() {
        return ServletContainer.CONTEXT;
    }

    @Override
    String describe() {
        return container.name();
    }

    @Override
    List<String> problems() throws IOException {
        List<String> out = new ArrayList<>(problems(container.console()));
        Path logs = container.base().resolve("logs");
        if (Files.isDirectory(logs)) {
            // Tomcat writes everything to its console and again to logs/catalina.DATE.log: count the console only.
            try (Stream<Path> files = Files.list(logs)) {
                for (Path f : files.filter(f -> !f.getFileName().toString().startsWith("catalina.")
                        && !f.getFileName().toString().startsWith("localhost_access_log")).toList()) {
                    out.addAll(problems(f));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        container.close();
    }
}
