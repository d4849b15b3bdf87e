package camstream.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Jetty 12 distribution: a fresh jetty.base made with {@code start.jar --add-modules}, the WAR in
 * {@code webapps/camstream.war}, settings as {@code -D} options of the {@code java -jar start.jar} command.
 */
public final class JettyDistribution extends ServletContainer {

    public static final String HOME = "it.jetty.home";
    /** README's modules: no ee10-jstl, the WAR carries JSTL (for Tomcat) and Jetty would scan it twice. */
    public static final String MODULES = "http,ee10-deploy,ee10-jsp,ee10-websocket-jakarta";

    private final Path home;
    private final String modules;

    public JettyDistribution(String name) {
        this(name, MODULES);
    }

    /** A jetty.base with these modules instead of {@link #MODULES}. */
    public JettyDistribution(String name, String modules) {
        super(name);
        this.home = home(HOME);
        this.modules = modules;
        List<String> cmd = List.of(java(), "-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + base, "--add-modules=" + modules);
        try {
            Process setup = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
                    .redirectOutput(base.resolve("setup.log").toFile()).start();
            if (!setup.waitFor(120, TimeUnit.SECONDS)) {
                setup.destroyForcibly();
                throw new IllegalStateException("jetty.base setup did not finish in 120 s");
            }
            if (setup.exitValue() != 0) {
                throw new IllegalStateException("jetty.base setup failed:\n" + Files.readString(base.resolve("setup.log")));
            }
            Files.createDirectories(base.resolve("webapps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return "Eclipse Jetty " + home.getFileName().toString().replace("jetty-home-", "") + " (" + modules + ")";
    }

    public JettyDistribution deploy() throws IOException {
        return deploy(war());
    }

    /** Deploys {@code war} as camstream.war. */
    public JettyDistribution deploy(Path war) throws IOException {
        copyAtomically(war, base.resolve("webapps/camstream.war"));
        return this;
    }

    public JettyDistribution start(Map<String, String> systemProperties) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        if (asReadmeSays) {
            cmd.add(NATIVE_ACCESS);
        }
        cmd.addAll(jvmOptions);
        systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base,
                "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
        launch(cmd, Map.of());
        return this;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
