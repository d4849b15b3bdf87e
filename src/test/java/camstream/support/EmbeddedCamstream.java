package camstream.support;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The packaged camstream.war in a real embedded Jetty 12 (ee10, with JSP), on a free loopback
 * port under {@code /camstream}. Settings go in as context parameters through a Jetty override
 * descriptor, as a deployer would set them. Use it as a JUnit extension (one server per test class)
 * or start and close it by hand.
 */
public final class EmbeddedCamstream implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    public static final String CONTEXT_PATH = "/camstream";

    private final Map<String, String> params;
    private final int port;
    private Server server;
    private WebAppContext webapp;
    private URI base;

    /** A server with these context parameters, started by {@link #start()} or by JUnit before all tests. */
    public EmbeddedCamstream(Map<String, String> params) {
        this(params, 0);
    }

    /** As {@link #EmbeddedCamstream(Map)}, on {@code port} (0: a free one), for settings that name the server's own URLs. */
    public EmbeddedCamstream(Map<String, String> params, int port) {
        this.params = Map.copyOf(params);
        this.port = port;
    }

    public static EmbeddedCamstream start(Map<String, String> params) throws Exception {
        EmbeddedCamstream s = new EmbeddedCamstream(params);
        s.start();
        return s;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    public void start() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setStopTimeout(5000);

        WebAppContext webapp = webapp(CONTEXT_PATH, params);
        server.setHandler(webapp);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        this.server = server;
        this.webapp = webapp;
        this.base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + CONTEXT_PATH + "/");
    }

    /** A loopback port that was free a moment ago, for a server whose settings must name its own URLs. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** camstream's /metrics of this server. */
    public Metrics metrics() {
        return new Metrics(this);
    }

    /** A URL of the webapp; {@code path} is relative to the context, e.g. "stream/default". */
    public URI uri(String path) {
        return base.resolve(path);
    }

    /** A servlet context attribute of the webapp (its classes are the webapp's own: reach them by reflection). */
    public Object attribute(String name) {
        return webapp.getServletContext().getAttribute(name);
    }

    /** Stops the webapp only (as an undeploy would), leaving Jetty running. */
    public void stopWebapp() throws Exception {
        webapp.stop();
    }

    /** Starts the webapp again after {@link #stopWebapp}, with a new class loader, as a redeploy would. */
    public void startWebapp() throws Exception {
        webapp.start();
    }

    /** Undeploys, which ends open streams, then stops Jetty, which would otherwise wait for those connections. */
    @Override
    public void close() throws Exception {
        if (server == null) {
            return;
        }
        try {
            webapp.stop();
        } finally {
            server.stop();
            server = null;
        }
    }

    /** The packaged camstream.war as a webapp under {@code contextPath}, with these context parameters. */
    public static WebAppContext webapp(String contextPath, Map<String, String> params) throws IOException {
        String war = System.getProperty("camstream.war");
        if (war == null || !Files.isRegularFile(Path.of(war))) {
            throw new IllegalStateException("camstream.war not found (" + war + "): run through mvn verify");
        }
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath(contextPath);
        webapp.setWar(war);
        webapp.addOverrideDescriptor(overrideDescriptor(params).toString());
        webapp.setThrowUnavailableOnStartupException(true);
        // What the distribution's ee10-websocket-jakarta module does: camstream's /socket needs it
        JakartaWebSocketServletContainerInitializer.configure(webapp, null);
        return webapp;
    }

    private static Path overrideDescriptor(Map<String, String> params) throws IOException {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                """);
        for (Map.Entry<String, String> e : params.entrySet()) {
            xml.append("  <context-param><param-name>").append(escape(e.getKey()))
                    .append("</param-name><param-value>").append(escape(e.getValue()))
                    .append("</param-value></context-param>\n");
        }
        xml.append("</web-app>\n");
        Path file = Files.createTempFile("camstream-override", ".xml");
        file.toFile().deleteOnExit();
        Files.writeString(file, xml, StandardCharsets.UTF_8);
        return file;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
