package camstream.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mvn jetty:run} on this project, as the README's "Run it" has a developer type it, on a free
 * loopback port ({@code -Dcamstream.port}). Maven runs offline when the build running the tests does,
 * and with the same local repository.
 */
public final class DevServer extends ServletContainer {

    public DevServer() {
        super("dev-server");
    }

    @Override
    public String name() {
        return "mvn jetty:run";
    }

    public DevServer start() {
        Path mvn = Path.of(System.getProperty("maven.home", "/usr/share/maven"), "bin", "mvn");
        Path pom = Path.of(System.getProperty("basedir", "."), "pom.xml").toAbsolutePath();
        if (!Files.isRegularFile(pom)) {
            throw new IllegalStateException("no pom.xml at " + pom + " (system property basedir)");
        }
        List<String> cmd = new ArrayList<>(List.of(mvn.toString(), "-B", "--no-transfer-progress", "-f", pom.toString()));
        if (System.getProperty("it.maven.offline", "").endsWith("true")) {
            cmd.add("-o");
        }
        String repo = System.getProperty("it.maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            cmd.add("-Dmaven.repo.local=" + repo);
        }
        cmd.addAll(List.of("jetty:run", "-Dcamstream.port=" + port));
        launch(cmd, Map.of("JAVA_HOME", System.getProperty("java.home")));
        return this;
    }
}
