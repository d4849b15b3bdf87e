package camstream.bench;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;

/**
 * The server side of a benchmark run, in its own JVM: the WAR in an embedded Jetty 12 (ee10) on a
 * free loopback port. camstream settings come as {@code -Dcamstream.*} system properties. Prints
 * {@code port N} once it serves, and stops when its standard input closes, so that it never
 * outlives the runner that started it.
 */
public final class BenchServer {

    public static final String READY = "port ";

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: BenchServer <camstream.war>");
        }
        Server server = new Server();
        ServerConnector http = new ServerConnector(server);
        http.setHost("127.0.0.1");
        http.setPort(0);
        // The load generator ramps up in batches, but thousands of viewers still arrive within seconds.
        http.setAcceptQueueSize(4096);
        server.addConnector(http);
        WebAppContext app = new WebAppContext();
        app.setContextPath("/");
        app.setWar(args[0]);
        // What the distribution's ee10-websocket-jakarta module does: camstream's /socket needs it
        JakartaWebSocketServletContainerInitializer.configure(app, null);
        server.setHandler(app);
        server.setStopAtShutdown(true);
        server.start();
        if (!app.isAvailable()) {
            server.stop();
            throw new IllegalStateException("the webapp did not start", app.getUnavailableException());
        }
        System.out.println(READY + http.getLocalPort());
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // the runner never writes; EOF means it is gone
            }
        } catch (IOException e) {
            // stdin broken: the runner is gone too
        }
        server.stop();
    }
}
