package camstream.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongPredicate;

/** Reads camstream's /metrics and waits for a value to satisfy a condition. */
public final class Metrics {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final URI uri;

    public Metrics(EmbeddedCamstream server) {
        this(server.uri("metrics"));
    }

    /** @param uri the /metrics URL of a running camstream */
    public Metrics(URI uri) {
        this.uri = uri;
    }

    private String body() throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A per-camera metric, as a whole number (gauges with decimals are truncated). */
    public long get(String name, String camera) throws IOException, InterruptedException {
        String body = body();
        String prefix = name + "{camera=\"" + camera + "\"} ";
        return body.lines().filter(l -> l.startsWith(prefix))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no metric " + prefix + " in\n" + body));
    }

    /** A metric without labels, such as {@code camstream_socket_connections}. */
    public long get(String name) throws IOException, InterruptedException {
        String body = body();
        String prefix = name + " ";
        return body.lines().filter(l -> l.startsWith(prefix))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no metric " + name + " in\n" + body));
    }

    /** Polls until the unlabelled metric satisfies {@code condition}; returns the value or fails after {@code timeout}. */
    public long await(String name, LongPredicate condition, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long v;
        while (!condition.test(v = get(name))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " is still " + v + " after " + timeout);
            }
            Thread.sleep(50);
        }
        return v;
    }

    /** Every metric of one camera read from one response, so that they agree with each other; whole numbers. */
    public Map<String, Long> values(String camera) throws IOException, InterruptedException {
        String suffix = "{camera=\"" + camera + "\"} ";
        Map<String, Long> values = new HashMap<>();
        for (String line : body().lines().toList()) {
            int at = line.indexOf(suffix);
            if (at > 0 && !line.startsWith("#")) {
                values.put(line.substring(0, at), (long) Double.parseDouble(line.substring(at + suffix.length())));
            }
        }
        return values;
    }

    /**
     * JPEG encodes per captured picture over the next {@code captures} captures of a camera that is
     * live: 1 for the main stream alone, 1 more for each variant made, however many watch it.
     */
    public double encodesPerCapture(String camera, int captures, Duration timeout) throws IOException, InterruptedException {
        Map<String, Long> before = values(camera);
        long captured = before.get("camstream_frames_captured_total");
        await("camstream_frames_captured_total", camera, n -> n >= captured + captures, timeout);
        Map<String, Long> after = values(camera);
        return (after.get("camstream_frames_encoded_total") - before.get("camstream_frames_encoded_total"))
                / (double) (after.get("camstream_frames_captured_total") - captured);
    }

    /** The camera's state from {@code camstream_camera_state}: idle, opening, live, no-signal or misconfigured. */
    public String state(String camera) throws IOException, InterruptedException {
        String body = body();
        String prefix = "camstream_camera_state{camera=\"" + camera + "\",state=\"";
        return body.lines().filter(l -> l.startsWith(prefix) && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == 1)
                .map(l -> l.substring(prefix.length(), l.indexOf('"', prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no state of " + camera + " in\n" + body));
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
