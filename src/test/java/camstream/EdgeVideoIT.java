package camstream;

import camstream.it.support.Await;
import camstream.it.support.Decoded;
import camstream.support.BackgroundMp4Viewer;
import camstream.support.BackgroundViewer;
import camstream.support.EmbeddedCamstream;
import camstream.support.Metrics;
import camstream.support.MisbehavingMp4Upstream;
import camstream.support.MisbehavingMp4Upstream.Fault;
import camstream.support.Mp4Stream;
import camstream.support.PictureSocket;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tree of camstreams encodes H.264 once, at the root: an origin with the test pattern, edge1 relaying
 * its {@code /stream/cam}, edge2 relaying edge1's. Each edge holds one connection to its upstream's
 * {@code .mp4} whatever its H.264 viewers, and hands them the upstream's samples byte for byte: no
 * encoder runs at an edge while the upstream delivers. Killed, the origin is NO SIGNAL at the edges
 * (encoded there, as for an IP camera gone silent) and live again when it is back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeVideoIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final double MAX_GAP_SECONDS = 1.5;
    private static int originPort;
    private static EmbeddedCamstream origin;
    private static EmbeddedCamstream edge1;
    private static EmbeddedCamstream edge2;
    private static MisbehavingMp4Upstream upstream;

    @BeforeAll
    static void startTree() throws Exception {
        originPort = EmbeddedCamstream.freePort();
        origin = startOrigin();
        upstream = MisbehavingMp4Upstream.recording(origin.uri("stream/cam.mp4"), 60);
        edge1 = EmbeddedCamstream.start(Map.ofEntries(
                Map.entry("camstream.cameras", "cam,local,faulty"),
                Map.entry("camstream.width", "320"), Map.entry("camstream.height", "240"), Map.entry("camstream.fps", "15"),
                Map.entry("camstream.camera.cam.source", "http://viewer:s3cret@127.0.0.1:" + originPort + "/camstream/stream/cam"),
                Map.entry("camstream.camera.cam.readTimeout", "3"),
                Map.entry("camstream.camera.cam.connectTimeout", "2"),
                Map.entry("camstream.camera.local.source", "test-pattern"),
                Map.entry("camstream.camera.faulty.source", upstream.stream().toString()),
                Map.entry("camstream.camera.faulty.readTimeout", "3"),
                Map.entry("camstream.camera.faulty.connectTimeout", "2"),
                Map.entry("camstream.idleTimeout", "2")));
        int edge2Port = EmbeddedCamstream.freePort();
        String edge2Streams = "http://127.0.0.1:" + edge2Port + "/camstream/stream/";
        edge2 = new EmbeddedCamstream(Map.of(
                "camstream.cameras", "cam,loopa,loopb,self",
                "camstream.width", "320", "camstream.height", "240", "camstream.fps", "15",
                "camstream.camera.cam.source", edge1.uri("stream/cam").toString(),
                "camstream.camera.loopa.source", edge2Streams + "loopb",
                "camstream.camera.loopb.source", edge2Streams + "loopa",
                "camstream.camera.self.source", edge2Streams + "self",
                "camstream.idleTimeout", "2"), edge2Port);
        edge2.start();
    }

    private static EmbeddedCamstream startOrigin() throws Exception {
        EmbeddedCamstream s = new EmbeddedCamstream(Map.of(
                "camstream.cameras", "cam",
                "camstream.camera.cam.source", "test-pattern",
                "camstream.width", "320", "camstream.height", "240", "camstream.fps", "15"), originPort);
        s.start();
        return s;
    }

    @AfterAll
    static void stopTree() throws Exception {
        for (EmbeddedCamstream s : new EmbeddedCamstream[] {edge2, edge1, origin}) {
            if (s != null) {
                s.close();
            }
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    @Order(1)
    void edgeViewersGetTheOriginsSamplesByteForByteOverOneConnectionAndNoEncoderRunsAtTheEdge() throws Exception {
        Metrics edgeMetrics = edge1.metrics();
        try (BackgroundMp4Viewer atOrigin = BackgroundMp4Viewer.open(origin.uri("stream/cam.mp4"))) {
            atOrigin.await(20, 30); // the origin encodes before anyone watches the edge
            List<BackgroundMp4Viewer> viewers = new ArrayList<>();
            try (PictureSocket tile = PictureSocket.open(PictureSocket.ws(edge1.uri("socket")))) {
                for (int i = 0; i < 3; i++) {
                    viewers.add(BackgroundMp4Viewer.open(edge1.uri("stream/cam.mp4")));
                }
                tile.send("video cam");
                tile.watch("cam");
                List<byte[]> tileSamples = tileSamples(tile, 45);
                for (BackgroundMp4Viewer v : viewers) {
                    v.await(45, 30);
                }
                Set<String> originSamples = samples(atOrigin.frames());
                for (BackgroundMp4Viewer v : viewers) {
                    assertAllFrom(originSamples, samplesOf(v.frames()), "an .mp4 viewer at the edge");
                }
                assertAllFrom(originSamples, hex(tileSamples), "a socket H.264 tile at the edge");

                JsonObject cam = status(edge1, "cam");
                JsonObject h264 = cam.getAsJsonObject("h264");
                assertEquals("passthrough", h264.get("state").getAsString(), cam.toString());
                assertTrue(h264.get("framesPassedThrough").getAsLong() >= 45, h264.toString());
                assertEquals(0, h264.getAsJsonObject("encodeMillis").get("samples").getAsInt(), "no H.264 encode: " + h264);
                assertEquals(0, h264.get("framesDecoded").getAsLong(), h264.toString());
                assertEquals(4, h264.get("viewerCount").getAsInt(), h264.toString());
                assertEquals(0, edgeMetrics.get("camstream_h264_frames_encoded_total", "cam"));
                assertEquals(0, edgeMetrics.get("camstream_frames_encoded_total", "cam"));
                assertEquals(0, edgeMetrics.get("camstream_frames_decoded_total", "cam"));

                // The origin sees its own viewer and one connection from the edge, for the edge's four; no MJPEG.
                JsonObject at = status(origin, "cam");
                assertEquals(2, at.getAsJsonObject("h264").get("viewerCount").getAsInt(), at.toString());
                assertEquals(List.of("h264", "h264"), codecs(at), at.toString());
            } finally {
                for (BackgroundMp4Viewer v : viewers) {
                    v.close();
                }
            }
            // With no H.264 viewer left at the edge, its connection goes after the idle time.
            Await.until(Duration.ofSeconds(15), "the edge let go of the origin's .mp4",
                    () -> status(origin, "cam").getAsJsonObject("h264").get("viewerCount").getAsInt() == 1);
        }
    }

    @Test
    @Order(2)
    void twoHopsPassTheOriginsSamplesThroughAndFfmpegDecodesTheEnd() throws Exception {
        try (BackgroundMp4Viewer atOrigin = BackgroundMp4Viewer.open(origin.uri("stream/cam.mp4"));
             BackgroundMp4Viewer end = BackgroundMp4Viewer.open(edge2.uri("stream/cam.mp4"))) {
            end.await(45, 40);
            assertAllFrom(samples(atOrigin.frames()), samplesOf(end.frames()), "a viewer two hops from the origin");
            for (EmbeddedCamstream edge : new EmbeddedCamstream[] {edge1, edge2}) {
                JsonObject h264 = status(edge, "cam").getAsJsonObject("h264");
                assertEquals("passthrough", h264.get("state").getAsString(), h264.toString());
                assertEquals(0, edge.metrics().get("camstream_h264_frames_encoded_total", "cam"), "edge encodes nothing");
            }
            assertEquals(1, status(edge1, "cam").getAsJsonObject("h264").get("viewerCount").getAsInt(),
                    "edge2 holds one connection to edge1");
            Path work = Files.createDirectories(Path.of("target", "edge-video").toAbsolutePath());
            Decoded.ffmpeg(work, edge2.uri("stream/cam.mp4").toString(), 30).assertPlayableFromTheStart("320x240");
        }
    }

    /** HLS at an edge is cut from the H.264 it passes through: a player plays it, and the edges still encode nothing. */
    @Test
    @Order(2)
    void anEdgesHlsIsCutFromThePassedThroughH264AndTheEdgesEncodeNothing() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "edge-video").toAbsolutePath());
        Decoded.ffmpeg(work, edge2.uri("hls/cam/index.m3u8").toString(), 30).assertPlayableFromTheStart("320x240");
        for (EmbeddedCamstream edge : new EmbeddedCamstream[] {edge1, edge2}) {
            JsonObject h264 = status(edge, "cam").getAsJsonObject("h264");
            assertEquals("passthrough", h264.get("state").getAsString(), h264.toString());
            assertEquals(0, edge.metrics().get("camstream_h264_frames_encoded_total", "cam"), "edge encodes nothing");
        }
        assertTrue(edge2.metrics().get("camstream_hls_requests_total", "cam") >= 3, "the player's requests reached edge2");
    }

    @Test
    @Order(3)
    void whenTheOriginDiesEdgeViewersSeeNoSignalAtLeastOnceASecondThenTheOriginAgain() throws Exception {
        try (BackgroundMp4Viewer video = BackgroundMp4Viewer.open(edge1.uri("stream/cam.mp4"));
             BackgroundViewer other = BackgroundViewer.open(edge1.uri("stream/local"))) {
            video.await(30, 30);
            Await.until(Duration.ofSeconds(10), "the edge passes the origin through",
                    () -> "live".equals(status(edge1, "cam").get("state").getAsString()));
            long t0 = System.nanoTime();
            int otherBefore = other.parts().size();
            origin.close();
            Await.until(Duration.ofSeconds(10), "the edge says the origin is gone",
                    () -> "no-signal".equals(status(edge1, "cam").get("state").getAsString()));
            String reason = status(edge1, "cam").get("reason").getAsString();
            assertTrue(reason.contains("127.0.0.1:" + originPort) && !reason.contains("s3cret"), reason);
            Thread.sleep(3000); // the span of the outage, during which viewers must keep receiving
            int during = video.frames().size();
            origin = startOrigin();
            long restored = System.nanoTime();
            try (BackgroundMp4Viewer atOrigin = BackgroundMp4Viewer.open(origin.uri("stream/cam.mp4"))) {
                Await.until(Duration.ofSeconds(30), "the edge is live again",
                        () -> "live".equals(status(edge1, "cam").get("state").getAsString()));
                double recovery = (System.nanoTime() - restored) / 1e9;
                int n = video.frames().size();
                video.await(n + 30, 20);
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.err.printf(Locale.ROOT, "Edge H.264: live again %.2f s after the origin was back (outage %.1f s)%n",
                        recovery, seconds);
                video.assertSteady(t0, MAX_GAP_SECONDS);
                assertTrue(during > 0, "frames came during the outage");
                assertAllFrom(samples(atOrigin.frames()), samplesOf(video.frames().subList(n + 10, n + 30)),
                        "the edge's viewer after the origin came back");
                int otherParts = other.parts().size() - otherBefore;
                assertTrue(otherParts >= 0.8 * 15 * seconds, "the edge's other camera kept its 15 frames/s: " + otherParts
                        + " parts in " + seconds + " s");
            }
        }
    }

    @Test
    @Order(4)
    void anUpstreamThatMisbehavesIsNoSignalWithItsReasonAtLeastOnceASecondAndLiveOnceItBehaves() throws Exception {
        List<String> report = new ArrayList<>();
        check(Fault.ERROR, "answered HTTP 500", report);
        check(Fault.GARBAGE, "sent a stream that is not camstream's H.264 (fMP4): ", report);
        check(Fault.CUT, "closed the connection in the middle of a frame", report);
        check(Fault.SILENT, "no video from " + upstream.stream() + ".mp4 for 3 s", report);
        check(Fault.SLOW, "no video from " + upstream.stream() + ".mp4 for 3 s", report);
        Files.writeString(Path.of("target", "edge-video-recovery.txt"), String.join("", report));
    }

    /**
     * Watches the faulty camera's H.264 and another camera's MJPEG through 4 s of {@code fault}: the
     * H.264 viewer gets a frame at least every {@link #MAX_GAP_SECONDS}, some of them NO SIGNAL (frames
     * the upstream never sent), the camera says {@code reason} meanwhile, and is live again with the
     * upstream's frames once it behaves; the other camera keeps its rate.
     */
    private static void check(Fault fault, String reason, List<String> report) throws Exception {
        try (BackgroundMp4Viewer video = BackgroundMp4Viewer.open(edge1.uri("stream/faulty.mp4"));
             BackgroundViewer other = BackgroundViewer.open(edge1.uri("stream/local"))) {
            video.await(30, 30);
            Await.until(Duration.ofSeconds(10), "faulty is live",
                    () -> "live".equals(status(edge1, "faulty").get("state").getAsString()));
            long t0 = System.nanoTime();
            int otherBefore = other.parts().size();
            upstream.fault(fault);
            List<String> said = new ArrayList<>();
            Await.until(Duration.ofSeconds(10), fault + ": the edge says " + reason, () -> {
                JsonObject s = status(edge1, "faulty");
                said.add(s.get("reason").getAsString());
                return "no-signal".equals(s.get("state").getAsString()) && s.get("reason").getAsString().contains(reason);
            });
            Thread.sleep(4000); // the span of the fault, during which the viewer must keep receiving
            upstream.heal();
            long healed = System.nanoTime();
            // A connection made during the fault showed a few frames before it: live again is 15 of the upstream's in a row.
            long[] back = new long[1];
            Await.until(Duration.ofSeconds(30), fault + ": the upstream's frames again", () -> {
                List<BackgroundMp4Viewer.Received> after = video.since(healed);
                for (int run = 0, i = 0; i < after.size(); i++) {
                    run = upstream.isOurs(after.get(i).sample()) ? run + 1 : 0;
                    if (run == 15) {
                        back[0] = after.get(i - 14).arrivalNanos();
                        return true;
                    }
                }
                return false;
            });
            assertEquals("live", status(edge1, "faulty").get("state").getAsString());
            double recovery = (back[0] - healed) / 1e9;
            double seconds = (System.nanoTime() - t0) / 1e9;
            video.assertSteady(t0, MAX_GAP_SECONDS);
            List<BackgroundMp4Viewer.Received> during = video.frames().stream()
                    .filter(r -> r.arrivalNanos() > t0 && r.arrivalNanos() < healed).toList();
            long noSignal = during.stream().filter(r -> !upstream.isOurs(r.sample())).count();
            assertTrue(noSignal >= 3, fault + ": NO SIGNAL frames during the fault: " + noSignal + " of " + during.size());
            int otherParts = other.parts().size() - otherBefore;
            assertTrue(otherParts >= 0.8 * 15 * seconds, fault + ": the other camera kept its 15 frames/s: " + otherParts
                    + " parts in " + seconds + " s");
            report.add(String.format(Locale.ROOT, "%-8s NO SIGNAL frames %3d of %3d, live again %.2f s after (%s)%n",
                    fault, noSignal, during.size(), recovery, said.get(said.size() - 1)));
        }
    }

    @Test
    @Order(5)
    void relaysOfH264ThatMakeALoopSayNoSignalWithTheLoopInsteadOfSendingFramesRound() throws Exception {
        try (BackgroundMp4Viewer self = BackgroundMp4Viewer.open(edge2.uri("stream/self.mp4"));
             BackgroundMp4Viewer loop = BackgroundMp4Viewer.open(edge2.uri("stream/loopa.mp4"))) {
            Await.until(Duration.ofSeconds(15), "self says it relays its own stream", () -> status(edge2, "self")
                    .get("reason").getAsString().startsWith("relay loop: camera 'self' → camera 'self'"));
            Await.until(Duration.ofSeconds(30), "loopa or loopb says relay loop", () ->
                    status(edge2, "loopa").get("reason").getAsString().startsWith("relay loop: ")
                    || status(edge2, "loopb").get("reason").getAsString().startsWith("relay loop: "));
            long t0 = System.nanoTime();
            long before = passedThrough("loopa") + passedThrough("loopb");
            Thread.sleep(4000); // the span in which frames must not go round
            long round = passedThrough("loopa") + passedThrough("loopb") - before;
            assertTrue(round <= 2 * 15 * 4, "frames went round the loop: " + round + " passed through in 4 s");
            loop.assertSteady(t0, MAX_GAP_SECONDS);
            self.assertSteady(t0, MAX_GAP_SECONDS);
        }
    }

    private static long passedThrough(String camera) throws IOException, InterruptedException {
        return status(edge2, camera).getAsJsonObject("h264").get("framesPassedThrough").getAsLong();
    }

    /** The samples of the first {@code n} fragments a socket's H.264 tile received. */
    private static List<byte[]> tileSamples(PictureSocket tile, int n) throws Exception {
        List<byte[]> samples = new ArrayList<>();
        boolean init = false;
        while (samples.size() < n) {
            PictureSocket.Picture p = tile.next(Duration.ofSeconds(10));
            assertTrue(p != null, "the tile got " + samples.size() + " fragments");
            String box = new String(p.jpeg(), 4, 4, StandardCharsets.US_ASCII);
            if (!init) {
                assertEquals("ftyp", box, "an init segment first");
                init = true;
                continue;
            }
            Mp4Stream s = new Mp4Stream(new ByteArrayInputStream(p.jpeg()));
            assertEquals("moof", s.next().type());
            Mp4Stream.Box mdat = s.next();
            assertEquals("mdat", mdat.type());
            samples.add(mdat.body());
        }
        return samples;
    }

    private static Set<String> samples(List<BackgroundMp4Viewer.Received> frames) {
        return new HashSet<>(samplesOf(frames));
    }

    private static List<String> samplesOf(List<BackgroundMp4Viewer.Received> frames) {
        return hex(frames.stream().map(BackgroundMp4Viewer.Received::sample).toList());
    }

    private static List<String> hex(List<byte[]> samples) {
        return samples.stream().map(s -> java.util.HexFormat.of().formatHex(s)).toList();
    }

    /** Every sample in {@code seen} is one the origin sent, byte for byte. */
    private static void assertAllFrom(Set<String> origin, List<String> seen, String who) {
        assertTrue(seen.size() >= 20, who + " got " + seen.size() + " frames");
        long foreign = seen.stream().filter(s -> !origin.contains(s)).count();
        assertEquals(0, foreign, who + ": " + foreign + " of " + seen.size() + " samples are not the origin's");
    }

    private static List<String> codecs(JsonObject camera) {
        List<String> codecs = new ArrayList<>();
        for (JsonElement v : camera.getAsJsonArray("viewers")) {
            codecs.add(v.getAsJsonObject().get("codec").getAsString());
        }
        return codecs;
    }

    private static JsonObject status(EmbeddedCamstream server, String camera) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri("status?camera=" + camera))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("cameras").get(0).getAsJsonObject();
    }
}
