package camstream.it.support;

import camstream.support.Metrics;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One camera's counters and the CPU time of every process of a {@link ScaleTopology}, at the start and the end of a window. */
public final class ScaleWindow {

    private final ScaleTopology top;
    private final String camera;
    private final Map<String, Map<String, Long>> before = new LinkedHashMap<>(), after = new LinkedHashMap<>();
    private final Map<String, Duration> cpuBefore = new LinkedHashMap<>(), cpuAfter = new LinkedHashMap<>();
    private long startNanos, endNanos;

    public ScaleWindow(ScaleTopology top, String camera) {
        this.top = top;
        this.camera = camera;
    }

    /** Reads everything, as the window's start or its end. */
    public void read(boolean start) throws Exception {
        Map<String, Map<String, Long>> values = start ? before : after;
        Map<String, Duration> cpu = start ? cpuBefore : cpuAfter;
        for (ServletContainer s : List.of(top.origin, top.edges.get(0), top.edges.get(1))) {
            values.put(key(s), new Metrics(s.url("/metrics")).values(camera));
            cpu.put(key(s), ScaleTopology.cpu(s));
        }
        cpu.put("nginx", top.nginx.cpu());
        cpu.put("self", Duration.ofNanos(((com.sun.management.OperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()));
        if (start) {
            startNanos = System.nanoTime();
        } else {
            endNanos = System.nanoTime();
        }
    }

    public double seconds() {
        return (endNanos - startNanos) / 1e9;
    }

    /** How much a per-camera metric of {@code s} grew in the window. */
    public long delta(ServletContainer s, String metric) {
        return after.get(key(s)).getOrDefault(metric, 0L) - before.get(key(s)).getOrDefault(metric, 0L);
    }

    /** CPU of the server's JVM in the window, in percent of one core. */
    public double cpuPercent(ServletContainer s) {
        return percent(key(s));
    }

    public double nginxCpuPercent() {
        return percent("nginx");
    }

    /** CPU of this JVM (the viewers or players) in the window. */
    public double ownCpuPercent() {
        return percent("self");
    }

    private double percent(String key) {
        return cpuAfter.get(key).minus(cpuBefore.get(key)).toNanos() / (double) (endNanos - startNanos) * 100;
    }

    private static String key(ServletContainer s) {
        return s.name() + s.port();
    }
}
