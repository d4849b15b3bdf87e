package camstream.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server JVM running the WAR, watched from outside through {@code /proc} and {@code /metrics}. */
abstract class Server implements AutoCloseable {

    private static final long CLOCK_TICKS = clockTicks();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The server JVM's process id. */
    abstract long pid();

    abstract int port();

    /** The webapp's context path: "" at the root, else e.g. "/camstream". */
    abstract String contextPath();

    /** Log lines at WARNING or SEVERE (camstream's and the container's). */
    abstract List<String> problems() throws IOException;

    /** Which container, for the results. */
    abstract String describe();

    @Override
    public abstract void close() throws InterruptedException;

    /** Command line of the server JVM, for the results. */
    String commandLine() {
        return ProcessHandle.of(pid()).flatMap(p -> p.info().commandLine()).orElse("?");
    }

    /** User plus system CPU time of the server so far, in seconds. */
    double cpuSeconds() throws IOException {
        return cpuSeconds(Path.of("/proc", Long.toString(pid()), "stat"));
    }

    static double cpuSeconds(Path stat) throws IOException {
        return cpuSeconds(Files.readString(stat));
    }

    /** User plus system CPU seconds from the text of a {@code /proc/PID/stat} (or {@code task/TID/stat}) file. */
    static double cpuSeconds(String s) {
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state); utime and stime are fields 14 and 15.
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
    }

    /** Resident set size in KB. */
    long rssKb() throws IOException {
        return status("VmRSS:");
    }

    long threads() throws IOException {
        return status("Threads:");
    }

    private long status(String key) throws IOException {
        return status(Path.of("/proc", Long.toString(pid()), "status"), key);
    }

    /** A number from a {@code /proc/PID/status} file, e.g. {@code VmRSS:} in KB. */
    static long status(Path file, String key) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + key + " in " + file);
    }

    /** A camera's counter or gauge from {@code /metrics}. */
    long metric(String name, String camera) throws IOException, InterruptedException {
        long v = metric(name, camera, Long.MIN_VALUE);
        if (v == Long.MIN_VALUE) {
            throw new IOException("no " + name + " in /metrics");
        }
        return v;
    }

    /** As {@link #metric(String, String)}, or {@code absent} for a WAR from before that metric existed. */
    long metric(String name, String camera, long absent) throws IOException, InterruptedException {
        double v = metricValue(name, camera, Double.NaN);
        return Double.isNaN(v) ? absent : (long) v; // the Prometheus client writes 12.0
    }

    /** A camera's counter or gauge as it is written (e.g. seconds), or {@code absent} when the WAR has none. */
    double metricValue(String name, String camera, double absent) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port() + contextPath() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("/metrics answered " + r.statusCode());
        }
        Matcher m = Pattern.compile("^" + name + "\\{camera=\"" + Pattern.quote(camera) + "\"\\} ([0-9.eE+-]+)$",
                Pattern.MULTILINE).matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(1)) : absent;
    }

    /** Lines of {@code log} that java.util.logging or a container wrote at WARNING/SEVERE/WARN/ERROR. */
    static List<String> problems(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        Pattern bad = Pattern.compile("^(WARNING:|SEVERE:|Exception in thread)|^\\S+ \\S+ (WARNING|SEVERE) \\[|^\\S+:(WARN|ERROR) ?:");
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (bad.matcher(l).find()) {
                boolean twoLines = i > 0 && (l.startsWith("WARNING:") || l.startsWith("SEVERE:")); // JUL's default format
                out.add((twoLines ? lines.get(i - 1) + " / " : "") + l);
            }
        }
        return out;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
