package camstream.web;

import camstream.camera.Camera;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The open WebSocket connections of this webapp and what they sent, for {@code /metrics} and for
 * closing them at shutdown. Kept in a ServletContext attribute while WebSocket is available.
 */
public final class SocketHub {

    /** ServletContext attribute under which the hub is kept. */
    public static final String ATTRIBUTE = SocketHub.class.getName();

    private final Set<SocketViewer> open = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();

    /** Adds the sockets' metrics to the instance's registry (each camera a socket watches is also one of its viewers). */
    void register(PrometheusRegistry registry, Collection<Camera> cameras) {
        GaugeWithCallback.builder().name("camstream_socket_connections")
                .help("WebSocket connections open (each shows any number of cameras)")
                .callback(cb -> cb.call(connections())).register(registry);
        CounterWithCallback.builder().name("camstream_socket_frames_sent_total")
                .help("Pictures handed to WebSocket connections").labelNames("camera")
                .callback(cb -> {
                    for (Camera c : cameras) {
                        cb.call(sent(c.id()), c.id());
                    }
                }).register(registry);
    }

    void add(SocketViewer viewer) {
        open.add(viewer);
    }

    void remove(SocketViewer viewer) {
        open.remove(viewer);
    }

    void countSent(String camera) {
        sent.computeIfAbsent(camera, c -> new LongAdder()).increment();
    }

    /** WebSocket connections open now. */
    public int connections() {
        return open.size();
    }

    /** Pictures of {@code camera} handed to sockets since the start. */
    public long sent(String camera) {
        LongAdder n = sent.get(camera);
        return n == null ? 0 : n.sum();
    }

    /** Ends every connection; at shutdown, before the cameras stop. */
    public void closeAll(String why) {
        for (SocketViewer v : open) {
            v.close(why);
        }
    }
}
