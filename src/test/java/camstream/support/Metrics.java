package camstream.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.LongPredicate;

/** Reads camstream's /metrics and waits for a value to satisfy a condition. */
public final class Metrics {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final URI uri;

    public Metrics(EmbeddedCamstream server) {
        this.uri = server.uri("metrics");
    }

    public long get(String name, String camera) throws IOException, InterruptedException {
        String body = CLIENT.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        String prefix = name + "{camera=\"" + camera + "\"} ";
        return body.lines().filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no metric " + prefix + " in\n" + body));
    }

    /** Polls until the metric satisfies {@code condition}; returns the value or fails after {@code timeout}. */
    public long await(String name, String camera, LongPredicate condition, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long v;
        while (!condition.test(v = get(name, camera))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + "{camera=" + camera + "} is still " + v + " after " + timeout);
            }
            Thread.sleep(50);
        }
        return v;
    }
}
