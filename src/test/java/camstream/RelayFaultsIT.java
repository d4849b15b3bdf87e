package camstream;

import camstream.it.support.Await;
import camstream.support.EmbeddedCamstream;
import camstream.support.Metrics;
import camstream.support.MisbehavingUpstream;
import camstream.support.MisbehavingUpstream.Fault;
import camstream.support.MjpegStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relay camera in front of an upstream that misbehaves in every way the issue lists, one case at
 * a time: the relay's viewers always receive something (live pictures or the placeholder saying
 * why, never a gap over 2 s), the relay is live again once the upstream behaves, the server's
 * memory does not grow with what the upstream sends, and another camera's viewer keeps its full
 * rate throughout. The recovery time of each case goes to target/relay-recovery.txt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayFaultsIT {

    private static final Duration FAULT = Duration.ofSeconds(4);
    private static final long MIB = 1 << 20;

    MisbehavingUpstream upstream;
    EmbeddedCamstream server;
    Metrics metrics;
    final List<String> report = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        upstream = new MisbehavingUpstream();
        server = EmbeddedCamstream.start(Map.of(
                "camstream.cameras", "relay,healthy",
                "camstream.width", "320",
                "camstream.height", "240",
                "camstream.fps", "15",
                "camstream.camera.relay.source", upstream.uri().toString(),
                "camstream.camera.relay.readTimeout", "3",
                "camstream.camera.relay.connectTimeout", "2",
                "camstream.camera.healthy.source", "test-pattern"));
        metrics = server.metrics();
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        report.add(0, String.format(Locale.ROOT, "%-26s %9s %8s %9s %9s %8s %8s%n", "fault (4 s)", "recovery", "max gap",
                "pictures", "failures", "heap", "heap max"));
        report.add(1, String.format(Locale.ROOT, "%-26s %9s %8s %9s %9s %8s %8s%n", "", "ms", "ms", "in fault",
                "", "MiB", "MiB"));
        Files.writeString(Path.of("target", "relay-recovery.txt"), String.join("", report));
    }

    /** One part as the relay's viewer saw it. */
    record Seen(long arrivalNanos, long timestampMicros, boolean upstreams) {
    }

    /** A viewer reading a stream on its own thread, keeping what it saw. */
    static final class Viewer implements AutoCloseable {
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final AtomicInteger parts = new AtomicInteger();
        final MjpegStream stream;
        final Thread thread;
        volatile IOException failure;

        Viewer(URI uri, Predicate<byte[]> upstreams, boolean keep) throws Exception {
            stream = MjpegStream.open(uri);
            thread = new Thread(() -> {
                try {
                    while (true) {
                        MjpegStream.Part p = stream.next();
                        parts.incrementAndGet();
                        if (keep) {
                            seen.add(new Seen(p.arrivalNanos(), p.timestampMicros(), upstreams.test(p.body())));
                        }
                    }
                } catch (IOException e) {
                    failure = e;
                }
            }, "test-viewer");
            thread.start();
        }

        /** Waits for a part that satisfies {@code what}; returns it. */
        Seen await(Predicate<Seen> what, Duration timeout, String description) {
            Await.until(timeout, description, () -> seen.stream().anyMatch(what) || failure != null);
            return seen.stream().filter(what).findFirst().orElseThrow(() -> new AssertionError(description + ": " + failure));
        }

        @Override
        public void close() throws Exception {
            stream.close();
            thread.join(5000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Fault.class, mode = EnumSource.Mode.EXCLUDE, names = "NONE")
    void theRelaysViewersRideOutTheFaultAndGetLivePicturesBackWhenTheUpstreamBehaves(Fault fault) throws Exception {
        try (Viewer relay = new Viewer(server.uri("stream/relay"), upstream::isOurs, true);
             Viewer healthy = new Viewer(server.uri("stream/healthy"), b -> false, false)) {
            long t0 = System.nanoTime();
            relay.await(s -> s.upstreams() && s.arrivalNanos() > t0 && count(relay, t0) >= 10, Duration.ofSeconds(60),
                    "live pictures from the upstream before the fault");
            long healthyEncoded = metrics.get("camstream_frames_encoded_total", "healthy");
            int healthyParts = healthy.parts.get();
            long failures = metrics.get("camstream_source_failures_total", "relay");
            long tooLarge = skipped("too_large");
            long heap = heapAfterGc();

            long faultAt = System.nanoTime();
            upstream.fault(fault);
            long heapMax = heap;
            while (System.nanoTime() - faultAt < FAULT.toNanos()) {
                if (fault == Fault.HUGE_PART) {
                    heapMax = Math.max(heapMax, heapAfterGc()); // while the 50 MiB part is on the wire
                }
                Thread.sleep(200); // the fault lasts this long
            }
            long healAt = System.nanoTime();
            long healMicros = System.currentTimeMillis() * 1000;
            upstream.heal();

            Seen back = relay.await(s -> s.upstreams() && s.timestampMicros() >= healMicros, Duration.ofSeconds(45),
                    "a picture the upstream sent after it was healed");
            relay.await(s -> s.upstreams() && s.arrivalNanos() > back.arrivalNanos() && count(relay, back.arrivalNanos()) >= 10,
                    Duration.ofSeconds(10), "live pictures go on");
            long end = System.nanoTime();
            int healthyGot = healthy.parts.get() - healthyParts;
            long healthyMade = metrics.get("camstream_frames_encoded_total", "healthy") - healthyEncoded;
            long heapAfter = heapAfterGc();

            long recovery = back.arrivalNanos() - healAt;
            long maxGap = maxGap(relay.seen, faultAt - TimeUnit.SECONDS.toNanos(1), end);
            long duringFault = relay.seen.stream().filter(s -> s.upstreams() && s.arrivalNanos() > faultAt
                    && s.arrivalNanos() < healAt).count();
            long failed = metrics.get("camstream_source_failures_total", "relay") - failures;
            report.add(String.format(Locale.ROOT, "%-26s %9d %8d %9d %9d %8d %8d%n", fault, recovery / 1_000_000,
                    maxGap / 1_000_000, duringFault, failed, (heapAfter - heap) / MIB, (heapMax - heap) / MIB));

            assertTrue(maxGap < TimeUnit.SECONDS.toNanos(2), fault + ": the relay's viewer waited " + maxGap / 1_000_000
                    + " ms for a part");
            assertTrue(recovery < TimeUnit.SECONDS.toNanos(10), fault + ": live again " + recovery / 1_000_000
                    + " ms after the upstream was");
            assertTrue(healthyGot >= 0.9 * (healthyMade - 2), fault + ": the other camera's viewer got " + healthyGot
                    + " of " + healthyMade + " frames");
            assertTrue(heapAfter - heap < 32 * MIB, fault + ": heap grew by " + (heapAfter - heap) / MIB + " MiB");
            assertEquals("live", metrics.state("relay"));
            switch (fault) {
                // Nothing to recover from, or (a huge part, sent once) one reconnection: pictures keep coming through it.
                case CONTENT_LENGTH_TOO_SMALL, CONTENT_LENGTH_TOO_LARGE, GARBAGE_BETWEEN_PARTS, HUGE_PART, REDIRECT ->
                        assertTrue(duringFault >= FAULT.toSeconds() * MisbehavingUpstream.FPS / 3,
                                fault + ": only " + duringFault + " pictures came through during the fault");
                default -> {
                }
            }
            if (fault == Fault.HUGE_PART) {
                assertEquals(tooLarge + 1, skipped("too_large"), "the 50 MiB part was refused and counted");
                assertTrue(heapMax - heap < 32 * MIB, "heap grew by " + (heapMax - heap) / MIB
                        + " MiB while a 50 MiB part was on the wire");
            }
            if (fault == Fault.GARBAGE_BETWEEN_PARTS) {
                assertTrue(skipped("garbage") > 0, "garbage runs counted");
            }
        }
    }

    @Test
    void anUpstreamThatDeclaresAThousandTerabytePartIsGivenUpAtOnceAndNotReadOn() throws Exception {
        try (Viewer relay = new Viewer(server.uri("stream/relay"), upstream::isOurs, true)) {
            relay.await(s -> s.upstreams(), Duration.ofSeconds(60), "live pictures from the upstream");
            long faultAt = System.nanoTime();
            upstream.fault(Fault.ENDLESS_PART);
            try {
                String expected = upstream.uri() + " declared a part of " + MisbehavingUpstream.ENDLESS_PART
                        + " bytes, over the maximum of 8388608 bytes (camstream.camera.relay.maxPartSize)";
                Await.until(Duration.ofSeconds(2), "NO SIGNAL", () -> metrics.state("relay").equals("no-signal"));
                long told = System.nanoTime() - faultAt;
                Await.until(Duration.ofSeconds(10), "the page to say: " + expected, () -> page().contains(expected));
                Await.until(Duration.ofSeconds(2), "the relay to hang up", () -> upstream.endlessRefusedNanos() != 0);
                long hungUp = upstream.endlessRefusedNanos() - faultAt;
                long sent = upstream.endlessSent();
                report.add(String.format(Locale.ROOT, "%-26s told why after %d ms, hung up after %d ms, %d KiB taken%n",
                        Fault.ENDLESS_PART, told / 1_000_000, hungUp / 1_000_000, sent / 1024));
                assertTrue(sent < 32 * MIB, "the relay took " + sent / MIB + " MiB of the endless part");
            } finally {
                upstream.heal();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Fault.class, names = {"HTTP_401", "NOT_MULTIPART"})
    void theViewersAreToldWhy(Fault fault) throws Exception {
        try (Viewer relay = new Viewer(server.uri("stream/relay"), upstream::isOurs, true)) {
            relay.await(s -> s.upstreams(), Duration.ofSeconds(60), "live pictures from the upstream");
            upstream.fault(fault);
            try {
                String expected = fault == Fault.HTTP_401
                        ? upstream.uri() + " answered HTTP 401: it wants a user and password"
                        : upstream.uri() + " answered text/html, not an MJPEG stream or a JPEG picture";
                Await.until(Duration.ofSeconds(20), "the page to say: " + expected, () -> page().contains(expected));
            } finally {
                upstream.heal();
            }
        }
    }

    private String page() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private long skipped(String reason) throws IOException, InterruptedException {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String prefix = "camstream_relay_skipped_total{camera=\"relay\",reason=\"" + reason + "\"} ";
        return body.lines().filter(l -> l.startsWith(prefix)).mapToLong(l -> (long) Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in\n" + body));
    }

    private static long count(Viewer v, long since) {
        return v.seen.stream().filter(s -> s.upstreams() && s.arrivalNanos() > since).count();
    }

    private static long maxGap(List<Seen> seen, long from, long to) {
        long gap = 0;
        long last = from;
        for (Seen s : seen) {
            if (s.arrivalNanos() >= from && s.arrivalNanos() <= to) {
                gap = Math.max(gap, s.arrivalNanos() - last);
                last = s.arrivalNanos();
            }
        }
        return Math.max(gap, to - last);
    }

    /** The heap in use after a full collection: what is really kept. */
    private static long heapAfterGc() {
        ManagementFactory.getMemoryMXBean().gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
