package camstream;

import camstream.support.EmbeddedCamstream;
import camstream.support.Jpeg;
import camstream.support.LogCapture;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * camstream relaying camstream relaying camstream: three deployments of the WAR in one Jetty, each
 * in its own class loader as in a real container. The origin encodes a test pattern; relay1 reads
 * it (through a URL with a user and password), relay2 reads relay1, and viewers at the end of the
 * chain receive the origin's JPEG bytes, unchanged, with the origin's timestamps.
 */
class RelayChainIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PASSWORD = "s3cret-pa55";
    private static final int FPS = 15;

    static Server server;
    static int port;
    static LogCapture log;
    static final List<Handler> webapps = new ArrayList<>();

    @BeforeAll
    static void startChain() throws Exception {
        log = new LogCapture();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setStopTimeout(5000);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        server.setHandler(contexts);
        server.start();
        port = connector.getLocalPort();
        String origin = "http://127.0.0.1:" + port + "/origin/";
        String relay1 = "http://127.0.0.1:" + port + "/relay1/";
        deploy(contexts, "/origin", Map.of(
                "camstream.cameras", "cam",
                "camstream.camera.cam.source", "test-pattern",
                "camstream.width", "320", "camstream.height", "240", "camstream.fps", Integer.toString(FPS)));
        deploy(contexts, "/relay1", Map.of(
                "camstream.cameras", "cam,snap,decoded",
                "camstream.camera.cam.source", origin.replace("http://", "http://viewer:" + PASSWORD + "@") + "stream/cam",
                "camstream.camera.snap.source", origin + "snapshot/cam",
                "camstream.camera.snap.fps", "4",
                "camstream.camera.decoded.source", origin + "stream/cam",
                "camstream.camera.decoded.passthrough", "false",
                "camstream.camera.decoded.quality", "50",
                "camstream.idleTimeout", "2"));
        deploy(contexts, "/relay2", Map.of(
                "camstream.cameras", "cam",
                "camstream.camera.cam.source", relay1 + "stream/cam"));
    }

    private static void deploy(ContextHandlerCollection contexts, String path, Map<String, String> params) throws Exception {
        Handler webapp = EmbeddedCamstream.webapp(path, params);
        contexts.addHandler(webapp);
        webapps.add(0, webapp);
        webapp.start();
    }

    /** Undeploys from the end of the chain to the origin, which ends every stream, then stops Jetty. */
    @AfterAll
    static void stopChain() throws Exception {
        for (Handler webapp : webapps) {
            webapp.stop();
        }
        if (server != null) {
            server.stop();
        }
        if (log != null) {
            log.close();
        }
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void viewersAtTheEndOfTheChainGetTheOriginsJpegBytesAndTheOriginEncodesOncePerFrame() throws Exception {
        Metrics origin = new Metrics(uri("/origin/metrics"));
        Metrics relay1 = new Metrics(uri("/relay1/metrics"));
        Metrics relay2 = new Metrics(uri("/relay2/metrics"));
        Map<Long, byte[]> originParts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (MjpegStream originViewer = MjpegStream.open(uri("/origin/stream/cam"))) {
            Future<?> recorder = record(pool, originViewer, originParts);
            // Until the chain is live end to end: a part at the end that the origin sent.
            try (MjpegStream end = MjpegStream.open(uri("/relay2/stream/cam"))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!originParts.containsKey(end.next().timestampMicros())) {
                    assertTrue(System.nanoTime() < deadline, "the chain never delivered the origin's pictures");
                }
            }
            long originEncoded = origin.get("camstream_frames_encoded_total", "cam");
            long originPublishedParts = originParts.size();
            long relay1Encoded = relay1.get("camstream_frames_encoded_total", "cam");
            long relay2Encoded = relay2.get("camstream_frames_encoded_total", "cam");

            List<Future<List<MjpegStream.Part>>> ends = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ends.add(pool.submit(StreamingIT.readFor(uri("/relay2/stream/cam"), Duration.ofSeconds(6))));
            }
            List<List<MjpegStream.Part>> seen = new ArrayList<>();
            for (Future<List<MjpegStream.Part>> f : ends) {
                seen.add(f.get());
            }
            assertEquals(1, relay1.get("camstream_viewers", "cam"), "one upstream connection for all the viewers at the end");
            long originEncodedDelta = origin.get("camstream_frames_encoded_total", "cam") - originEncoded;
            long originSent = originParts.size() - originPublishedParts;
            // Allow for the origin viewer's last parts still in flight.
            recorder.cancel(true);

            int matched = 0;
            int total = 0;
            for (List<MjpegStream.Part> parts : seen) {
                for (MjpegStream.Part p : parts) {
                    total++;
                    byte[] o = originParts.get(p.timestampMicros());
                    if (o != null) {
                        assertArrayEquals(o, p.body(), "the part of " + p.header("X-Timestamp") + " differs from the origin's");
                        matched++;
                    }
                }
            }
            assertTrue(total > 3 * 6 * FPS * 0.6, "viewers at the end got " + total + " parts in 6 s");
            assertTrue(matched >= 0.9 * total, matched + " of " + total + " parts at the end found among the origin's");
            assertEquals(0, relay1.get("camstream_frames_encoded_total", "cam") - relay1Encoded, "relay1 encoded");
            assertEquals(0, relay2.get("camstream_frames_encoded_total", "cam") - relay2Encoded, "relay2 encoded");
            // relay2 is configured with the default 640x480; /status reports the size of the pictures it passes on.
            JsonObject status = JsonParser.parseString(HTTP.send(HttpRequest.newBuilder(uri("/relay2/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).getAsJsonObject();
            JsonObject cam = ApiIT.camera(status, "cam");
            assertEquals(320, cam.get("width").getAsInt(), cam.toString());
            assertEquals(240, cam.get("height").getAsInt(), cam.toString());
            assertTrue(originEncodedDelta <= originSent + 3, "the origin encoded " + originEncodedDelta
                    + " frames while sending " + originSent + ", with 3 viewers at the end");
            Files.writeString(Path.of("target", "relay-chain.txt"), String.format(
                    "3 viewers at the end of origin -> relay1 -> relay2 for 6 s: %d parts, %d matched byte for byte%n"
                            + "origin encoded %d frames and sent %d to its own viewer meanwhile; relay1 and relay2 encoded 0%n",
                    total, matched, originEncodedDelta, originSent));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSmallerSizeOfARelayedCameraIsEncodedWhileItsOwnStreamStillPassesThrough() throws Exception {
        Metrics relay1 = new Metrics(uri("/relay1/metrics"));
        Map<Long, byte[]> originParts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (MjpegStream originViewer = MjpegStream.open(uri("/origin/stream/cam"))) {
            Future<?> recorder = record(pool, originViewer, originParts);
            Future<List<MjpegStream.Part>> small = pool.submit(StreamingIT.readFor(uri("/relay1/stream/cam?width=160"),
                    Duration.ofSeconds(8)));
            Future<List<MjpegStream.Part>> plain = pool.submit(StreamingIT.readFor(uri("/relay1/stream/cam"),
                    Duration.ofSeconds(8)));
            List<MjpegStream.Part> smallParts = small.get();
            List<MjpegStream.Part> plainParts = plain.get();
            recorder.cancel(true);
            assertTrue(smallParts.size() > 8 * FPS * 0.5, smallParts.size() + " parts of the smaller size in 8 s");
            for (MjpegStream.Part p : smallParts) {
                assertEquals("160x120", Jpeg.size(p.body()));
            }
            // Past the first seconds (the chain opening), the camera's own stream is the origin's bytes.
            List<MjpegStream.Part> late = plainParts.subList(plainParts.size() / 2, plainParts.size());
            long same = late.stream().filter(p -> java.util.Arrays.equals(originParts.get(p.timestampMicros()), p.body())).count();
            assertTrue(same >= 0.9 * late.size(), same + " of " + late.size() + " parts passed through unchanged");
            assertTrue(relay1.get("camstream_frames_encoded_total", "cam") > 0, "the smaller size is encoded");
            // Gone with its viewers: the other tests count relay1's encodes.
            relay1.await("camstream_variants", "cam", n -> n == 0, Duration.ofSeconds(10));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSnapshotAtTheEndOfTheChainIsTheOriginsPicture() throws Exception {
        try (MjpegStream originViewer = MjpegStream.open(uri("/origin/stream/cam"))) {
            Map<Long, byte[]> originParts = new ConcurrentHashMap<>();
            HttpResponse<byte[]> snap = null;
            for (int i = 0; i < 10 && (snap == null || snap.statusCode() != 200); i++) {
                snap = HTTP.send(HttpRequest.newBuilder(uri("/relay2/snapshot/cam")).build(), HttpResponse.BodyHandlers.ofByteArray());
            }
            assertEquals(200, snap.statusCode(), new String(snap.body()));
            long ts = MjpegStream.Part.parseTimestamp(snap.headers().firstValue("X-Timestamp").orElseThrow());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!originParts.containsKey(ts) && System.nanoTime() < deadline) {
                MjpegStream.Part p = originViewer.next();
                originParts.put(p.timestampMicros(), p.body());
                if (p.timestampMicros() > ts + 2_000_000) {
                    break;
                }
            }
            // The snapshot may be of a frame sent before this viewer joined; then only its size can be compared.
            byte[] o = originParts.get(ts);
            if (o != null) {
                assertArrayEquals(o, snap.body());
            } else {
                assertEquals("320x240", Jpeg.size(snap.body()));
            }
        }
    }

    @Test
    void aPlainJpegUrlIsPolledAtTheCamerasFpsAndPassedThrough() throws Exception {
        List<MjpegStream.Part> parts = StreamingIT.readFor(uri("/relay1/stream/snap"), Duration.ofSeconds(5)).call();
        long distinct = parts.stream().mapToLong(MjpegStream.Part::timestampMicros).distinct().count();
        assertTrue(distinct >= 8 && distinct <= 25, distinct + " pictures in 5 s at 4 fps");
        MjpegStream.Part last = parts.get(parts.size() - 1);
        assertEquals("320x240", Jpeg.size(last.body()));
        assertEquals("live", new Metrics(uri("/relay1/metrics")).state("snap"));
    }

    @Test
    void withPassthroughOffPicturesAreDecodedAndEncodedAgain() throws Exception {
        Metrics relay1 = new Metrics(uri("/relay1/metrics"));
        List<MjpegStream.Part> parts = StreamingIT.readFor(uri("/relay1/stream/decoded"), Duration.ofSeconds(3)).call();
        assertTrue(parts.size() > 10, parts.size() + " parts");
        assertEquals("320x240", Jpeg.size(parts.get(parts.size() - 1).body()));
        assertTrue(relay1.get("camstream_frames_encoded_total", "decoded") >= parts.size() - 2);
    }

    @Test
    void theUpstreamConnectionIsOpenedByTheFirstViewerAndClosedAfterTheIdleTimeout() throws Exception {
        Metrics origin = new Metrics(uri("/origin/metrics"));
        Metrics relay1 = new Metrics(uri("/relay1/metrics"));
        origin.await("camstream_viewers", "cam", v -> v == 0, Duration.ofSeconds(30));
        try (MjpegStream s = MjpegStream.open(uri("/relay1/stream/cam"))) {
            s.next();
            assertEquals(1, origin.get("camstream_viewers", "cam"), "relay1's one connection");
        }
        long left = System.nanoTime();
        relay1.await("camstream_viewers", "cam", v -> v == 0, Duration.ofSeconds(10));
        origin.await("camstream_viewers", "cam", v -> v == 0, Duration.ofSeconds(10));
        double released = (System.nanoTime() - left) / 1e9;
        assertTrue(released > 1.5, "released " + released + " s after the last viewer left, before the 2 s idle timeout");
        assertEquals("idle", relay1.state("cam"));
    }

    @Test
    void thePasswordIsInNoPageStatusMetricOrLogLine() throws Exception {
        try (MjpegStream s = MjpegStream.open(uri("/relay1/stream/cam"))) {
            s.next();
        }
        String page = HTTP.send(HttpRequest.newBuilder(uri("/relay1/")).build(), HttpResponse.BodyHandlers.ofString()).body();
        String metrics = HTTP.send(HttpRequest.newBuilder(uri("/relay1/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(page.contains("http://viewer:***@127.0.0.1:" + port + "/origin/stream/cam"), page);
        assertFalse(page.contains(PASSWORD), page);
        assertFalse(metrics.contains(PASSWORD), metrics);
        List<String> messages = log.messages();
        assertFalse(messages.isEmpty());
        for (String m : messages) {
            assertFalse(m.contains(PASSWORD), m);
        }
    }

    /** Keeps every part {@code viewer} receives, body by timestamp, until cancelled. */
    private static Future<?> record(ExecutorService pool, MjpegStream viewer, Map<Long, byte[]> parts) {
        return pool.submit(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                MjpegStream.Part p = viewer.next();
                parts.put(p.timestampMicros(), p.body());
            }
            return null;
        });
    }
}
