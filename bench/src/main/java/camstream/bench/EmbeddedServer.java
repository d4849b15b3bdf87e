package camstream.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A {@link BenchServer} JVM: the WAR in embedded Jetty at the root context, stopped by closing its stdin. */
final class EmbeddedServer extends Server {

    private final Process process;
    private final Path log;
    private final int port;

    EmbeddedServer(Path war, List<String> jvmArgs, List<String> settings, Path log) throws IOException,
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

    @Override
    int port() {
        return port;
    }

    @Override
    String contextPath() {
        return "";
    }

    @Override
    long pid() {
        return process.pid();
    }

    @Override
    String describe() {
        return "embedded Jetty " + org.eclipse.jetty.util.Jetty.VERSION;
    }

    @Override
    List<String> problems() throws IOException {
        return problems(log);
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
}
