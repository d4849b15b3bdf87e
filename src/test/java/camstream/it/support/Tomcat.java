package camstream.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An Apache Tomcat distribution run the way its users run it: {@code bin/catalina.sh run} with its own
 * CATALINA_BASE (a copy of the distribution's conf/), settings in CATALINA_OPTS, the WAR dropped into
 * {@code webapps/} as {@code camstream.war}.
 */
public final class Tomcat extends ServletContainer {

    public static final String TOMCAT_11 = "it.tomcat11.home";
    public static final String TOMCAT_10 = "it.tomcat10.home";

    /**
     * What Tomcat logs when a stopped webapp left something behind: a thread it started, a ThreadLocal
     * value or other reference ("memory leak"), or code of it that still ran ("Illegal access").
     */
    public static final List<String> LEAK_WARNINGS = List.of("appears to have started a thread named", "memory leak",
            "Illegal access");

    private final Path home;
    /** Tomcat 11's catalina.sh enables native access; for 10.1 README has it added to CATALINA_OPTS. */
    private final boolean scriptEnablesNativeAccess;

    public Tomcat(String homeProperty, String name) {
        super(name);
        this.home = home(homeProperty);
        this.scriptEnablesNativeAccess = !TOMCAT_10.equals(homeProperty);
        try {
            for (String dir : List.of("conf", "logs", "temp", "webapps", "work")) {
                Files.createDirectories(base.resolve(dir));
            }
            try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
                for (Path f : conf.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, base.resolve("conf").resolve(f.getFileName()));
                }
            }
            Path serverXml = base.resolve("conf/server.xml");
            String xml = Files.readString(serverXml, StandardCharsets.UTF_8);
            // No shutdown port (SIGTERM stops it); loopback only; scan webapps/ every second, not every 10.
            xml = replaceOnce(xml, "<Server port=\"8005\"", "<Server port=\"-1\"");
            xml = replaceOnce(xml, "<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\"");
            xml = replaceOnce(xml, "<Engine name=\"Catalina\" defaultHost=\"localhost\">",
                    "<Engine name=\"Catalina\" defaultHost=\"localhost\" backgroundProcessorDelay=\"1\">");
            Files.writeString(serverXml, xml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "Apache Tomcat " + home.getFileName().toString().replace("apache-tomcat-", "");
    }

    /** Context parameters for camstream in {@code conf/Catalina/localhost/camstream.xml}; call before deploy. */
    public Tomcat contextParameters(Map<String, String> params) throws IOException {
        StringBuilder xml = new StringBuilder("<Context>\n");
        params.forEach((k, v) -> xml.append("  <Parameter name=\"").append(k).append("\" value=\"").append(v)
                .append("\" override=\"false\"/>\n"));
        xml.append("</Context>\n");
        Path file = base.resolve("conf/Catalina/localhost/camstream.xml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, xml, StandardCharsets.UTF_8);
        return this;
    }

    /**
     * Makes the distribution's Manager available in this base, for {@code user} with the role
     * manager-script (its text interface, /manager/text/). The Manager lives in CATALINA_HOME/webapps/manager;
     * its META-INF/context.xml (privileged, and a valve that lets only 127.0.0.1 and ::1 in) applies only
     * where it is deployed from webapps/, so it becomes conf/Catalina/localhost/manager.xml with a docBase
     * pointing at the home's copy. Call before start.
     */
    public Tomcat withManager(String user, String password) throws IOException {
        Files.writeString(base.resolve("conf/tomcat-users.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
                  <role rolename="manager-script"/>
                  <user username="%s" password="%s" roles="manager-script"/>
                </tomcat-users>
                """.formatted(user, password), StandardCharsets.UTF_8);
        Path manager = home.resolve("webapps/manager");
        String context = Files.readString(manager.resolve("META-INF/context.xml"), StandardCharsets.UTF_8);
        context = replaceOnce(context, "<Context ", "<Context docBase=\"" + manager + "\" ");
        Path descriptor = base.resolve("conf/Catalina/localhost/manager.xml");
        Files.createDirectories(descriptor.getParent());
        Files.writeString(descriptor, context, StandardCharsets.UTF_8);
        return this;
    }

    /**
     * Turns off the engine's background processing (autoDeploy scans, reload checks), for deploys by the
     * Manager only. Otherwise an undeploy by the Manager while streams are open can make Tomcat blame its
     * own utility thread on the webapp: stopping the context holds its lock while it gives open async
     * requests {@code unloadDelay} (2 s) to finish, and the utility thread, already switched to the
     * webapp's class loader for the context's background work, waits for that lock when the leak check runs.
     */
    public Tomcat withoutBackgroundProcessing() throws IOException {
        Path serverXml = base.resolve("conf/server.xml");
        String xml = Files.readString(serverXml, StandardCharsets.UTF_8);
        Files.writeString(serverXml, replaceOnce(xml, "backgroundProcessorDelay=\"1\"", "backgroundProcessorDelay=\"-1\""),
                StandardCharsets.UTF_8);
        return this;
    }

    /** Sets attributes of the HTTP connector in {@code conf/server.xml}, as an operator would. */
    public Tomcat connector(Map<String, String> attributes) throws IOException {
        Path serverXml = base.resolve("conf/server.xml");
        String xml = Files.readString(serverXml, StandardCharsets.UTF_8);
        StringBuilder attrs = new StringBuilder();
        attributes.forEach((k, v) -> attrs.append(' ').append(k).append("=\"").append(v).append('"'));
        String connector = "<Connector address=\"127.0.0.1\"";
        Files.writeString(serverXml, replaceOnce(xml, connector, connector + attrs), StandardCharsets.UTF_8);
        return this;
    }

    /** Adds a connector ({@code <Connector .../>} with what it contains) to {@code conf/server.xml}, beside the HTTP one. */
    public Tomcat addConnector(String xml) throws IOException {
        Path serverXml = base.resolve("conf/server.xml");
        String text = Files.readString(serverXml, StandardCharsets.UTF_8);
        Files.writeString(serverXml, replaceOnce(text, "</Service>", xml + "\n</Service>"), StandardCharsets.UTF_8);
        return this;
    }

    public Tomcat deploy() throws IOException {
        return deploy(war());
    }

    /** Deploys {@code war} as camstream.war. */
    public Tomcat deploy(Path war) throws IOException {
        return deploy(war, "camstream.war");
    }

    /** Deploys {@code war} under the file name {@code name}, which gives its context path ("other.war": /other). */
    public Tomcat deploy(Path war, String name) throws IOException {
        copyAtomically(war, webapps().resolve(name));
        return this;
    }

    /** CATALINA_BASE/lib, whose jars the common class loader, shared by every webapp, loads. */
    public Path lib() throws IOException {
        return Files.createDirectories(base.resolve("lib"));
    }

    /** Removes the WAR from {@code webapps/}; Tomcat undeploys it at its next scan. */
    public Tomcat undeploy() throws IOException {
        Files.delete(webapps().resolve("camstream.war"));
        return this;
    }

    public Path webapps() {
        return base.resolve("webapps");
    }

    /** Starts {@code catalina.sh run} with the given camstream settings as system properties. */
    public Tomcat start(Map<String, String> systemProperties) {
        launch(List.of("sh", home.resolve("bin/catalina.sh").toString(), "run"), Map.of(
                "CATALINA_HOME", home.toString(),
                "CATALINA_BASE", base.toString(),
                "CATALINA_PID", "",
                "JAVA_HOME", System.getProperty("java.home"),
                "CATALINA_OPTS", ((asReadmeSays && !scriptEnablesNativeAccess ? NATIVE_ACCESS + " " : "")
                        + String.join(" ", jvmOptions) + " " + systemProperties(systemProperties)).trim()));
        return this;
    }

    /** The lines of the log that hold one of {@link #LEAK_WARNINGS}. */
    public List<String> leakWarnings() {
        return log().lines().filter(l -> LEAK_WARNINGS.stream().anyMatch(l::contains)).toList();
    }

    private static String replaceOnce(String text, String from, String to) {
        int i = text.indexOf(from);
        if (i < 0 || text.indexOf(from, i + 1) >= 0) {
            throw new IllegalStateException("the file does not contain exactly one " + from);
        }
        return text.replace(from, to);
    }
}
