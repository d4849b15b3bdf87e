package camstream.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real servlet container distribution, started as its own process on a free loopback port with
 * its own base directory under {@code target/it/}. The process also stops by itself after
 * {@link #LIFETIME} (via coreutils {@code timeout}), should the test JVM die before {@link #close}.
 */
public abstract class ServletContainer implements AutoCloseable {

    public static final String CONTEXT = "/camstream";
    static final Duration LIFETIME = Duration.ofMinutes(15);
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final java.util.regex.Pattern CAMSTREAM_THREAD = java.util.regex.Pattern.compile("\"(camstream-[^\"]+)\"");

    protected final Path base;
    protected final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    /** JVM options given before the system properties, as an operator's start script would. */
    protected List<String> jvmOptions = List.of();
    /** What README asks operators to give the container's JVM so that Java 24+ loads camstream's native libraries quietly. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** Whether to start the JVM as README says (with {@link #NATIVE_ACCESS} where the start script lacks it). */
    protected boolean asReadmeSays = true;

    protected ServletContainer(String name) {
        // Per Java, so that the second run (mvn verify with JAVA25_HOME) keeps the first one's logs.
        int java = Runtime.version().feature();
        this.base = Path.of("target", java == 17 ? "it" : "it-java" + java, name).toAbsolutePath();
        this.port = freePort();
        try {
            deleteTree(base);
            Files.createDirectories(base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Options for the container's JVM (heap, GC), set before {@code start}. */
    public ServletContainer jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    /** Starts the JVM without what README adds for native access: to see what an operator who skipped it sees. */
    public ServletContainer withoutNativeAccess() {
        this.asReadmeSays = false;
        return this;
    }

    /** Display name with version, for reports and failure messages. */
    public abstract String name();

    /** The file the container writes its console output (stdout and stderr) to. */
    public Path console() {
        return base.resolve("console.log");
    }

    public URI url(String path) {
        return root(CONTEXT + path);
    }

    /** A URL of this server outside camstream's context, e.g. {@code root("/manager/text/list")}. */
    public URI root(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public int port() {
        return port;
    }

    public Path base() {
        return base;
    }

    /** Everything the container has logged so far. */
    public String log() {
        try {
            return Files.exists(console()) ? Files.readString(console(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many times {@code text} occurs in what the container has logged so far. */
    public int logCount(String text) {
        String log = log();
        int n = 0;
        for (int i = log.indexOf(text); i >= 0; i = log.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    /** The JVM of the container (not the {@code timeout} wrapper). */
    public ProcessHandle jvm() {
        return process.toHandle().children().findFirst().orElse(process.toHandle());
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    protected void launch(List<String> command, Map<String, String> env) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/timeout"))) {
            cmd.addAll(List.of("/usr/bin/timeout", "--kill-after=10", LIFETIME.toSeconds() + "s"));
        }
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(base.toFile())
                .redirectErrorStream(true).redirectOutput(console().toFile());
        pb.environment().putAll(env);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::kill));
    }

    /** Waits until {@code path} answers 200, failing early if the process exits. */
    public void awaitReady(String path) {
        awaitStatus(url(path), 200);
    }

    /** Waits until {@code uri} answers {@code status}, failing early if the process exits. */
    public void awaitStatus(URI uri, int status) {
        Await.until(START_TIMEOUT, name() + " to answer " + status + " at " + uri + "; log:\n" + tail(), () -> {
            if (!process.isAlive()) {
                throw new AssertionError(name() + " exited with " + process.exitValue() + "; log:\n" + tail());
            }
            return status(uri) == status;
        });
    }

    /** Names of the live camstream threads in the container's JVM, sorted, from {@code jcmd Thread.print}. */
    public List<String> camstreamThreads() throws IOException, InterruptedException {
        Tools.Result dump = Tools.run(60, base, List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(jvm().pid()), "Thread.print"));
        if (dump.exitCode() != 0) {
            throw new AssertionError("jcmd Thread.print failed: " + dump.output());
        }
        return CAMSTREAM_THREAD.matcher(dump.output()).results().map(r -> r.group(1)).sorted().toList();
    }

    /** HTTP status of a GET to {@code path}, or -1 if nothing answers. */
    public int status(String path) {
        return status(url(path));
    }

    /** HTTP status of a GET to {@code uri}, or -1 if nothing answers. */
    public int status(URI uri) {
        try {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(20)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(20)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Copies the WAR in under a temporary name and renames it, so a scanning container never sees half a file. */
    protected static void copyAtomically(Path war, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.copy(war, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Path war() {
        String war = System.getProperty("camstream.war");
        if (war == null || !Files.isRegularFile(Path.of(war))) {
            throw new IllegalStateException("System property camstream.war must name the packaged WAR, is " + war);
        }
        return Path.of(war);
    }

    protected static Path home(String property) {
        String home = System.getProperty(property);
        if (home == null || !Files.isDirectory(Path.of(home))) {
            throw new IllegalStateException("System property " + property + " must name an unpacked distribution"
                    + " (mvn verify unpacks it in pre-integration-test), is " + home);
        }
        return Path.of(home);
    }

    /** Graceful stop (SIGTERM, as a service manager does), then waits for the JVM to exit. */
    public int stop() {
        if (process == null) {
            return -1;
        }
        ProcessHandle jvm = jvm();
        jvm.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
                throw new AssertionError(name() + " did not stop within 60 s");
            }
            jvm.onExit().get(10, TimeUnit.SECONDS);
            return process.exitValue();
        } catch (Exception e) {
            kill();
            throw new AssertionError(name() + " did not stop: " + e, e);
        }
    }

    private void kill() {
        if (process != null && process.isAlive()) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        if (running()) {
            try {
                stop();
            } catch (AssertionError e) {
                kill();
            }
        }
    }

    public String tail() {
        String log = log();
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String systemProperties(Map<String, String> settings) {
        StringBuilder sb = new StringBuilder();
        settings.forEach((k, v) -> sb.append(" -D").append(k).append('=').append(v));
        return sb.toString().trim();
    }
}
