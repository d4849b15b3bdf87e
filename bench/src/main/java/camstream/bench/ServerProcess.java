package camstream.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@link BenchServer} JVM: started, watched through {@code /proc} and {@code /metrics}, stopped. */
final class ServerProcess implements AutoCloseable {

    private static final long CLOCK_TICKS = clockTicks();

    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ServerProcess(Path war, List<String> jvmArgs, List<String> settings, Path log) throws IOException,
            InterruptedException {
        this.log = log;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(settings);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchServer.class.getName());
        cmd.add(war.toString());
        Files.createDirectories(log.getParent());
        process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread out = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(BenchServer.READY)) {
                        ready.complete(Integer.parseInt(line.substring(BenchServer.READY.length()).trim()));
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IOException("server exited before it served; see " + log));
        }, "bench-server-stdout");
        out.setDaemon(true);
        out.start();
        try {
            port = ready.get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            close();
            throw new IOException("server did not start; see " + log, e);
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Command line of the server JVM, for the results. */
    String commandLine() {
        return process.info().commandLine().orElse("?");
    }

    /** User plus system CPU time of the server so far, in seconds. */
    double cpuSeconds() throws IOException {
        return cpuSeconds(Path.of("/proc", Long.toString(process.pid()), "stat"));
    }

    static double cpuSeconds(Path stat) throws IOException {
        String s = Files.readString(stat);
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
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + key + " in /proc/" + process.pid() + "/status");
    }

    /** A camera's counter or gauge from {@code /metrics}. */
    long metric(String name, String camera) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("^" + name + "\\{camera=\"" + Pattern.quote(camera) + "\"\\} (\\d+)$",
                Pattern.MULTILINE).matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IOException("no " + name + " in /metrics (" + r.statusCode() + ")");
        }
        return Long.parseLong(m.group(1));
    }

    /** Log lines at WARNING or SEVERE, as java.util.logging's default format writes them. */
    List<String> problems() throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("WARNING:") || l.startsWith("SEVERE:") || l.startsWith("Exception in thread")) {
                out.add((i > 0 ? lines.get(i - 1) + " / " : "") + l);
            }
        }
        return out;
    }

    /** Closes the server's stdin, which stops it; kills it if it does not stop in time. */
    @Override
    public void close() throws InterruptedException {
        try (PrintWriter ignored = new PrintWriter(process.getOutputStream())) {
            // closing stdin is the stop signal
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
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
