package camstream;

import camstream.support.EmbeddedCamstream;
import camstream.support.Jpeg;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged WAR streaming the test pattern to several viewers at once. */
class StreamingIT {

    @RegisterExtension
    static final EmbeddedCamstream server = new EmbeddedCamstream(Map.of(
            "camstream.cameras", "main,small",
            "camstream.camera.main.name", "Main <pattern> & co",
            "camstream.camera.main.source", "test-pattern",
            "camstream.camera.small.source", "test-pattern",
            "camstream.camera.small.width", "320",
            "camstream.camera.small.height", "240",
            "camstream.camera.small.fps", "15"));
    private static final HttpClient http = HttpClient.newHttpClient();


    @Test
    void indexPageShowsEveryCameraWithAWorkingImageUrl() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(server.uri("")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body());
        String html = page.body();
        assertTrue(html.contains("Main &lt;pattern&gt; &amp; co"), "camera name is shown escaped:\n" + html);
        Matcher img = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        List<String> srcs = new ArrayList<>();
        while (img.find()) {
            srcs.add(img.group(1));
        }
        assertEquals(List.of("/camstream/stream/main", "/camstream/stream/small"), srcs);
        for (String src : srcs) {
            try (MjpegStream s = MjpegStream.open(server.uri("").resolve(src))) {
                Jpeg.size(s.next().body());
            }
        }
        assertTrue(html.contains("href=\"/camstream/snapshot/main\""), "snapshot link:\n" + html);
    }

    @Test
    void threeViewersEachGetSixtyDecodableFramesInThreeSecondsFromOneEncode() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<MjpegStream.Part>>> viewers = new ArrayList<>();
            long encodedBefore = server.metrics().get("camstream_frames_encoded_total", "main");
            for (int i = 0; i < 3; i++) {
                viewers.add(pool.submit(readFor(server.uri("stream/main"), Duration.ofSeconds(3))));
            }
            List<List<MjpegStream.Part>> results = new ArrayList<>();
            for (Future<List<MjpegStream.Part>> v : viewers) {
                results.add(v.get());
            }
            long encoded = server.metrics().get("camstream_frames_encoded_total", "main") - encodedBefore;
            long received = 0;
            for (List<MjpegStream.Part> parts : results) {
                assertTrue(parts.size() >= 60, "a viewer got only " + parts.size() + " parts in 3 s");
                received += parts.size();
                long last = 0;
                for (MjpegStream.Part p : parts) {
                    assertEquals("image/jpeg", p.header("Content-Type"));
                    assertEquals("640x480", Jpeg.size(p.body()));
                    assertTrue(p.timestampMicros() > last, "X-Timestamp goes up strictly");
                    last = p.timestampMicros();
                }
            }
            // Encoded once per frame, not once per viewer: three viewers received about three times what was encoded.
            assertTrue(encoded < received * 0.5, "encoded " + encoded + " frames for " + received + " delivered parts");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void videoFeedStreamsTheFirstCameraWithNoCacheHeaders() throws Exception {
        try (MjpegStream s = MjpegStream.open(server.uri("video_feed"))) {
            var h = s.response().headers();
            assertEquals("multipart/x-mixed-replace;boundary=camstreamframe", h.firstValue("Content-Type").orElseThrow());
            assertEquals("no-store, no-cache, must-revalidate, max-age=0", h.firstValue("Cache-Control").orElseThrow());
            assertEquals("no-cache", h.firstValue("Pragma").orElseThrow());
            assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", h.firstValue("Expires").orElseThrow());
            assertEquals("no", h.firstValue("X-Accel-Buffering").orElseThrow());
            MjpegStream.Part p = s.next();
            assertEquals("640x480", Jpeg.size(p.body()));
            assertTrue(p.header("X-Timestamp").matches("\\d{10}\\.\\d{6}"), p.header("X-Timestamp"));
        }
    }

    @Test
    void snapshotReturnsOneFreshJpegOfTheConfiguredSize() throws Exception {
        long before = System.currentTimeMillis() * 1000;
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri("snapshot/small")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("320x240", Jpeg.size(r.body()));
        String[] ts = r.headers().firstValue("X-Timestamp").orElseThrow().split("\\.");
        long micros = Long.parseLong(ts[0]) * 1_000_000 + Long.parseLong(ts[1]);
        assertTrue(micros >= before - 2_000, "the snapshot was captured after the request");
    }

    @Test
    void unknownCameraIsA404WithAOneLineMessage() throws Exception {
        for (String path : List.of("stream/nope", "snapshot/nope", "stream/%3Cscript%3E")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, r.statusCode(), path);
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"), path);
            assertEquals(1, r.body().strip().lines().count(), path + ": " + r.body());
            assertTrue(!r.body().contains("<"), "no markup echoed back: " + r.body());
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
        }
    }

    /** A script of another site (its Origin) is refused outright: CORS allows none by default. */
    @Test
    void corsIsOffByDefault() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("status"))
                .header("Origin", "http://elsewhere.example").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode());
        assertEquals("cross-origin request refused", r.body().strip());
        assertTrue(r.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), r.headers().toString());
    }

    @Test
    void headRequestsAnswerAtOnceWithoutABody() throws Exception {
        for (String path : List.of("stream/main", "video_feed", "snapshot/main")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri(path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path);
            assertEquals("", r.body(), path);
        }
    }

    static Callable<List<MjpegStream.Part>> readFor(URI uri, Duration d) {
        return () -> {
            List<MjpegStream.Part> parts = new ArrayList<>();
            try (MjpegStream s = MjpegStream.open(uri)) {
                long end = System.nanoTime() + d.toNanos();
                while (System.nanoTime() < end) {
                    parts.add(s.next());
                }
            }
            return parts;
        };
    }
}
