package camstream.it.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One origin camstream (Tomcat 11, the cameras' test patterns), two edges whose cameras are the
 * origin's streams (Jetty 12 and Tomcat 11), each a process of its own on loopback, and nginx in front
 * with README's configuration ({@link Nginx}).
 */
public final class ScaleTopology implements AutoCloseable {

    public final ServletContainer origin;
    public final List<ServletContainer> edges;
    public final Nginx nginx;

    /** @param camera size, fps and such for the origin's camera (the edges take their size for placeholders) */
    public ScaleTopology(String camera, Map<String, String> cameraSettings, List<String> jvmOptions) throws IOException {
        Tomcat originServer = new Tomcat(Tomcat.TOMCAT_11, "scale-origin");
        JettyDistribution edge1 = new JettyDistribution("scale-edge-jetty");
        Tomcat edge2 = new Tomcat(Tomcat.TOMCAT_11, "scale-edge-tomcat");
        this.origin = originServer;
        this.edges = List.of(edge1, edge2);
        this.nginx = new Nginx(originServer.base().resolveSibling("scale-nginx"), Map.of(
                "origin", "127.0.0.1:" + originServer.port(),
                "edge1", "127.0.0.1:" + edge1.port(),
                "edge2", "127.0.0.1:" + edge2.port()));
        this.camera = camera;
        this.cameraSettings = Map.copyOf(cameraSettings);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    private final String camera;
    private final Map<String, String> cameraSettings;
    private final List<String> jvmOptions;

    /** Starts the three servers at once, then nginx; {@link #close} stops what started, also after a failure here. */
    public ScaleTopology start() throws Exception {
        Tomcat originServer = (Tomcat) origin;
        JettyDistribution edge1 = (JettyDistribution) edges.get(0);
        Tomcat edge2 = (Tomcat) edges.get(1);
        Map<String, String> originSettings = new java.util.TreeMap<>(cameraSettings);
        originSettings.put("camstream.cameras", camera);
        originSettings.put("camstream.camera." + camera + ".source", "test-pattern");
        Map<String, String> edgeSettings = new java.util.TreeMap<>(cameraSettings);
        edgeSettings.put("camstream.cameras", camera);
        edgeSettings.put("camstream.camera." + camera + ".source", originServer.url("/stream/" + camera).toString());
        // The page is opened at nginx's address: its WebSocket comes with that Origin.
        edgeSettings.put("camstream.publicOrigins", "http://127.0.0.1:" + nginx.port());

        for (ServletContainer s : List.of(originServer, edge1, edge2)) {
            s.jvmOptions(jvmOptions);
        }
        originServer.deploy().start(originSettings);
        edge1.deploy().start(edgeSettings);
        edge2.deploy().start(edgeSettings);
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (ServletContainer s : List.of(originServer, edge1, edge2)) {
            ready.add(CompletableFuture.runAsync(() -> s.awaitReady("/status")));
        }
        CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
        nginx.start();
        return this;
    }

    public InetSocketAddress nginxAddress() {
        return new InetSocketAddress("127.0.0.1", nginx.port());
    }

    public static InetSocketAddress address(ServletContainer server) {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    /** CPU time of a server's JVM so far. */
    public static Duration cpu(ServletContainer server) {
        return server.jvm().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** The directory for what the test records. */
    public Path dir() {
        return origin.base().getParent();
    }

    @Override
    public void close() throws Exception {
        try {
            nginx.close();
        } finally {
            for (ServletContainer s : List.of(edges.get(0), edges.get(1), origin)) {
                s.close();
            }
        }
    }
}
