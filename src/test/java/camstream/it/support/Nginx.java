package camstream.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The system's nginx with a configuration of its own ({@code src/test/resources/scale/nginx.conf}, the
 * one README quotes), in the foreground under a shell that stops it when its standard input closes:
 * when {@link #close} closes it, and when the test JVM dies, which closes it too. It also ends by itself
 * after {@link ServletContainer#LIFETIME}.
 */
public final class Nginx implements AutoCloseable {

    public static final Path NGINX = Path.of("/usr/sbin/nginx");
    public static final String TEMPLATE = "/scale/nginx.conf";

    private final Path dir;
    private final int port;
    private Process process;

    /** @param values what fills the template's {@code {{name}}} placeholders besides {@code dir} and {@code listen} */
    public Nginx(Path dir, Map<String, String> values) throws IOException {
        Tools.require(NGINX.toString());
        this.dir = dir;
        this.port = ServletContainer.freePort();
        ServletContainer.deleteTree(dir);
        Files.createDirectories(dir);
        String conf;
        try (InputStream in = Nginx.class.getResourceAsStream(TEMPLATE)) {
            conf = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> all = new TreeMap<>(values);
        all.put("dir", dir.toString());
        all.put("listen", "127.0.0.1:" + port);
        for (Map.Entry<String, String> e : all.entrySet()) {
            conf = conf.replace("{{" + e.getKey() + "}}", e.getValue());
        }
        if (conf.contains("{{")) {
            throw new IllegalArgumentException("a placeholder is left in the configuration:\n" + conf);
        }
        Files.writeString(conf(), conf, StandardCharsets.UTF_8);
    }

    public Path conf() {
        return dir.resolve("nginx.conf");
    }

    public Nginx start() throws IOException, InterruptedException {
        Tools.Result test = Tools.run(30, dir, List.of(NGINX.toString(), "-e", dir.resolve("error.log").toString(),
                "-p", dir.toString(), "-c", conf().toString(), "-t"));
        if (test.exitCode() != 0) {
            throw new AssertionError("nginx -t rejects " + conf() + ":\n" + test.output());
        }
        // The shell waits for the end of its input, then stops nginx (SIGQUIT would wait for every stream to end).
        String script = "\"$0\" -e \"$1\" -p \"$2\" -c \"$3\" & n=$!; cat >/dev/null; kill -TERM $n; wait $n";
        process = new ProcessBuilder("/usr/bin/timeout", "--kill-after=10", ServletContainer.LIFETIME.toSeconds() + "s",
                "sh", "-c", script, NGINX.toString(), dir.resolve("error.log").toString(), dir.toString(), conf().toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("console.log").toFile())
                .start();
        Await.until(Duration.ofSeconds(20), "nginx to listen at " + url("/") + "; error log:\n" + errors(), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited with " + process.exitValue() + ":\n" + errors());
            }
            return Files.exists(dir.resolve("nginx.pid")) && workers().size() >= 1 && listening();
        });
        return this;
    }

    private boolean listening() {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The master and its workers. */
    public List<ProcessHandle> processes() {
        ProcessHandle master = master();
        return Stream.concat(Stream.of(master), master.children()).toList();
    }

    private List<ProcessHandle> workers() {
        return master().children().toList();
    }

    private ProcessHandle master() {
        try {
            long pid = Long.parseLong(Files.readString(dir.resolve("nginx.pid")).strip());
            return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("nginx " + pid + " is gone"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CPU time of the master and its workers so far. */
    public Duration cpu() {
        return processes().stream().map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** The access log's lines so far (format {@code scale} of the configuration). */
    public List<String> accessLog() throws IOException {
        Path log = dir.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    public String errors() {
        try {
            Path log = dir.resolve("error.log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process == null) {
            return;
        }
        process.getOutputStream().close();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("nginx did not stop within 20 s");
        }
    }
}
