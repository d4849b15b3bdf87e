package camstream.it;

import camstream.it.support.Decoded;
import camstream.support.Mp4Stream;
import camstream.it.support.Await;
import camstream.it.support.Browser;
import camstream.it.support.PageVideo;
import camstream.support.BackgroundViewer;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import camstream.support.PictureSocket;
import camstream.support.RawHttp;
import camstream.support.Recordings;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import camstream.support.StalledSocket;
import camstream.it.support.ServletContainer;
import camstream.it.support.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.chrome.ChromeDriver;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.io.UncheckedIOException;
import java.util.stream.Stream;
import java.util.Comparator;
import java.util.Iterator;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every supported container must do with the unchanged WAR under {@code /camstream}. One
 * container process per subclass, started once for all its tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ContainerContract {

    /**
     * Two test-pattern cameras at a size that differs from the defaults, so settings are seen to
     * arrive, a large one that fills a stalled viewer's socket buffers within a second or two, and a
     * small one that detects motion (the test pattern's ball never stops, so its event starts soon).
     */
    static final Map<String, String> SETTINGS = Map.ofEntries(
            Map.entry("camstream.cameras", "front,back,big,yard"),
            Map.entry("camstream.width", "320"),
            Map.entry("camstream.height", "240"),
            Map.entry("camstream.fps", "15"),
            Map.entry("camstream.camera.big.width", "1920"),
            Map.entry("camstream.camera.big.height", "1080"),
            Map.entry("camstream.camera.big.fps", "30"),
            Map.entry("camstream.camera.yard.source", "test-pattern"),
            Map.entry("camstream.camera.yard.width", "160"),
            Map.entry("camstream.camera.yard.height", "120"),
            Map.entry("camstream.camera.yard.fps", "5"),
            Map.entry("camstream.camera.yard.motion", "on"),
            Map.entry("camstream.stallTimeout", "3"));

    /** This container's recordings directory, outside the webapp; nothing records unless asked. */
    final Path recordings = tempDirectory("camstream-contract-recordings");

    /** {@link #SETTINGS} and this container's {@link #recordings}. */
    Map<String, String> settings() {
        Map<String, String> all = new HashMap<>(SETTINGS);
        all.put("camstream.recordings", recordings.toString());
        return all;
    }

    ServletContainer container;

    /** Starts the container with the WAR deployed and {@link #settings()} applied. */
    abstract ServletContainer start() throws Exception;

    @BeforeAll
    void startContainer() throws Exception {
        container = start();
        container.awaitReady("/");
    }

    @AfterAll
    void stopContainer() throws IOException {
        if (container != null) {
            container.close();
        }
        try (Stream<Path> files = Files.walk(recordings)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void indexPageShowsEveryConfiguredCameraUnderTheContextPath() throws Exception {
        HttpResponse<String> page = container.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        for (String id : List.of("front", "back")) {
            assertTrue(page.body().contains("<img src=\"/camstream/stream/" + id + "\""), page.body());
            assertTrue(page.body().contains("href=\"/camstream/snapshot/" + id + "\""), page.body());
        }
        assertTrue(page.body().contains("href=\"/camstream/camstream.css\""), page.body());
        assertEquals(200, container.status("/camstream.css"));
    }

    @Test
    void threeConcurrentViewersEachReceiveMovingFramesOfTheConfiguredSize() throws Exception {
        List<MjpegStream> viewers = new ArrayList<>();
        try {
            for (String id : List.of("front", "front", "back")) {
                viewers.add(MjpegStream.open(container.url("/stream/" + id)));
            }
            Await.until(Duration.ofSeconds(15), "metrics to count 2 viewers of front and 1 of back", () -> {
                String metrics = container.get("/metrics").body();
                return metrics.contains("camstream_viewers{camera=\"front\"} 2")
                        && metrics.contains("camstream_viewers{camera=\"back\"} 1");
            });
            for (MjpegStream viewer : viewers) {
                byte[] first = viewer.next().body();
                byte[] later = first;
                for (int i = 0; i < 4; i++) {
                    later = viewer.next().body();
                }
                BufferedImage image = jpeg(later);
                assertEquals(320, image.getWidth());
                assertEquals(240, image.getHeight());
                assertFalse(Arrays.equals(first, later), "the test pattern moves between frames");
            }
        } finally {
            for (MjpegStream v : viewers) {
                v.close();
            }
        }
    }

    @Test
    void aViewerThatReadsNothingIsDisconnectedAfterCamstreamsStallTimeoutNotTheContainers() throws Exception {
        Metrics metrics = new Metrics(container.url("/metrics"));
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", container.port()));
            stalled.getOutputStream().write(("GET /camstream/stream/big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            metrics.await("camstream_viewers", "big", v -> v == 1, Duration.ofSeconds(10));
            long connected = System.nanoTime();
            // Once the socket buffers are full (a second or two at 1080p), 3 s of no progress: well before
            // Tomcat's 20 s connectionTimeout or Jetty's 30 s idle timeout would end it.
            metrics.await("camstream_viewers", "big", v -> v == 0, Duration.ofSeconds(15));
            double seconds = (System.nanoTime() - connected) / 1e9;
            assertTrue(seconds >= 3, "disconnected after " + seconds + " s, before the stall timeout");
        }
        assertTrue(metrics.get("camstream_frames_skipped_total", "big") > 0, "it skipped frames instead of queueing them");
    }

    /**
     * Clients that drop their streams while camstream writes to them, and new clients arriving at that
     * moment: a container reuses a finished request's objects for the next one, so a write still in
     * progress on a dropped stream could end a new one right after its headers (seen in Tomcat 10.1).
     */
    @Test
    void streamsDroppedMidWriteNeverEndTheStreamsThatStartMeanwhile() throws Exception {
        byte[] request = "GET /camstream/stream/front HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 100; round++) {
            List<Socket> dropping = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket("127.0.0.1", container.port());
                s.getOutputStream().write(request);
                s.getInputStream().readNBytes(2000); // headers and the first part are being written
                dropping.add(s);
            }
            for (Socket s : dropping) {
                s.setSoLinger(true, 0); // a reset: the next write to it fails at once
                s.close();
            }
            try (MjpegStream fresh = MjpegStream.open(container.url("/stream/front"))) {
                assertTrue(fresh.next().body().length > 0, "round " + round);
                assertTrue(fresh.next().body().length > 0, "round " + round);
            }
        }
    }

    @Test
    void ffmpegDecodesEveryFrameOfACamerasH264StreamFromAKeyframeOn() throws Exception {
        Path work = Files.createTempDirectory("h264");
        Decoded d = Decoded.ffmpeg(work, container.url("/stream/front.mp4").toString(), 30);
        d.assertPlayableFromTheStart("320x240");
    }

    /**
     * HLS in this container: ffmpeg plays the playlist, a blocking reload for the hinted part is held
     * until the part exists (async in the container), and the part is then served for caches.
     */
    @Test
    void ffmpegPlaysACamerasHlsAndABlockingReloadIsHeldUntilTheHintedPartExists() throws Exception {
        Path work = Files.createTempDirectory("hls");
        Decoded d = Decoded.ffmpeg(work, container.url("/hls/back/index.m3u8").toString(), 30);
        d.assertPlayableFromTheStart("320x240");

        HttpClient http = HttpClient.newHttpClient();
        String playlist = http.send(HttpRequest.newBuilder(container.url("/hls/back/index.m3u8")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher hint = Pattern.compile("PRELOAD-HINT:TYPE=PART,URI=\"(([0-9a-z]+)/(\\d+)\\.(\\d+)\\.m4s)\"").matcher(playlist);
        assertTrue(hint.find(), playlist);
        HttpResponse<String> reload = http.send(HttpRequest.newBuilder(container.url("/hls/back/index.m3u8?_HLS_msn="
                + hint.group(3) + "&_HLS_part=" + hint.group(4))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reload.statusCode(), reload.body());
        assertTrue(reload.body().contains(hint.group(1) + "\"") || reload.body().contains(hint.group(2) + "/" + hint.group(3) + ".m4s"),
                reload.body());
        HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(container.url("/hls/back/" + hint.group(1))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, part.statusCode());
        assertEquals("public, max-age=31536000, immutable", part.headers().firstValue("Cache-Control").orElse(""));
        assertEquals(String.valueOf(part.body().length), part.headers().firstValue("Content-Length").orElse(""));
    }

    /**
     * A viewer of the 1080p H.264 stream that reads nothing: camstream's writer skips to the next
     * keyframe instead of queueing (at most two groups of pictures wait), and the stall timeout ends it.
     */
    @Test
    void aStalledH264ViewerSkipsToKeyframesAndIsDisconnectedAfterTheStallTimeout() throws Exception {
        Metrics metrics = new Metrics(container.url("/metrics"));
        long skipped = metrics.get("camstream_frames_skipped_total", "big");
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", container.port()));
            stalled.getOutputStream().write(("GET /camstream/stream/big.mp4 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            metrics.await("camstream_h264_viewers", "big", v -> v == 1, Duration.ofSeconds(10));
            // Only once the kernel's buffers are full does the stall timeout (3 s) start: at 1080p a slow, loaded
            // encode fills them in up to ~17 s.
            metrics.await("camstream_h264_viewers", "big", v -> v == 0, Duration.ofSeconds(40));
        }
        assertTrue(metrics.get("camstream_frames_skipped_total", "big") > skipped, "it skipped frames instead of queueing them");
    }

    /** As {@link #streamsDroppedMidWriteNeverEndTheStreamsThatStartMeanwhile}, for the MP4 stream. */
    @Test
    void mp4StreamsDroppedMidWriteNeverEndTheStreamsThatStartMeanwhile() throws Exception {
        byte[] request = "GET /camstream/stream/front.mp4 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 30; round++) {
            List<Socket> dropping = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket("127.0.0.1", container.port());
                s.getOutputStream().write(request);
                s.getInputStream().readNBytes(1000); // headers and the init segment are being written
                dropping.add(s);
            }
            for (Socket s : dropping) {
                s.setSoLinger(true, 0);
                s.close();
            }
            HttpResponse<java.io.InputStream> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(container.url("/stream/front.mp4")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (Mp4Stream fresh = new Mp4Stream(r.body())) {
                assertEquals("ftyp", fresh.next().type(), "round " + round);
                assertEquals("moov", fresh.next().type(), "round " + round);
                assertTrue(fresh.nextFragment().keyframe(), "round " + round);
                fresh.nextFragment();
            }
        }
    }

    @Test
    void oneWebSocketCarriesThePicturesOfTwoCamerasAndCountsAsAViewerOfEach() throws Exception {
        Metrics metrics = new Metrics(container.url("/metrics"));
        try (PictureSocket socket = PictureSocket.open(PictureSocket.ws(container.url("/socket"))).watch("front", "back")) {
            Set<String> seen = new HashSet<>();
            while (seen.size() < 2) {
                PictureSocket.Picture p = socket.next(Duration.ofSeconds(15));
                BufferedImage image = jpeg(p.jpeg());
                assertEquals(320, image.getWidth());
                seen.add(p.camera());
            }
            metrics.await("camstream_socket_connections", v -> v == 1, Duration.ofSeconds(5));
            metrics.await("camstream_viewers", "back", v -> v == 1, Duration.ofSeconds(5));
            socket.watch("front");
            metrics.await("camstream_viewers", "back", v -> v == 0, Duration.ofSeconds(5));
        }
        metrics.await("camstream_socket_connections", v -> v == 0, Duration.ofSeconds(10));
    }

    @Test
    void chromiumPlaysACameraOfThePageAsH264OverItsWebSocket() throws Exception {
        ChromeDriver browser = Browser.start(Files.createDirectories(container.base().resolve("browser")));
        try {
            browser.get(container.url("/view/front").toString());
            PageVideo.assertPlays(browser, "front", 320, 240);
        } finally {
            browser.quit();
        }
    }

    @Test
    void theWebSocketDeclinesPermessageDeflateWhichBrowsersOffer() throws Exception {
        // Chromium's offer, verbatim: a JPEG does not compress, and each socket would deflate every picture.
        String head = StalledSocket.upgradeHead(PictureSocket.ws(container.url("/socket")),
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        assertFalse(head.toLowerCase(java.util.Locale.ROOT).contains("sec-websocket-extensions"), head);
    }

    @Test
    void onlyCamstreamsOwnPagesMayUseItFromABrowserWhateverTheirHostHeaderSays() throws Exception {
        int port = container.port();
        java.net.URI socket = PictureSocket.ws(container.url("/socket"));
        // A page that DNS rebinding put on another name: its browser names it in Origin and in Host.
        assertEquals(403, RawHttp.upgrade(socket, "evil.example:" + port, "http://evil.example:" + port).status());
        assertEquals(403, RawHttp.get(container.url("/status"), "evil.example:" + port, "http://evil.example:" + port).status());
        // The container's own address, as the ready line names it, and localhost for its loopback connector.
        assertEquals(101, RawHttp.upgrade(socket, "evil.example:" + port, "http://127.0.0.1:" + port).status());
        assertEquals(101, RawHttp.upgrade(socket, "localhost:" + port, "http://localhost:" + port).status());
        assertEquals(200, RawHttp.get(container.url("/status"), "evil.example:" + port, "http://127.0.0.1:" + port).status());
        // Another port is another site: camstream knows its connector's.
        assertEquals(403, RawHttp.upgrade(socket, "127.0.0.1:" + port, "http://127.0.0.1:" + (port + 1)).status());
    }

    @Test
    void aWebSocketThatReadsNothingIsClosedAfterCamstreamsStallTimeout() throws Exception {
        Metrics metrics = new Metrics(container.url("/metrics"));
        metrics.await("camstream_viewers", "big", v -> v == 0, Duration.ofSeconds(20));
        try (StalledSocket stalled = new StalledSocket(PictureSocket.ws(container.url("/socket")), "big")) {
            metrics.await("camstream_viewers", "big", v -> v == 1, Duration.ofSeconds(10));
            long connected = System.nanoTime();
            metrics.await("camstream_viewers", "big", v -> v == 0, Duration.ofSeconds(15));
            double seconds = (System.nanoTime() - connected) / 1e9;
            assertTrue(seconds >= 2.5, "left after " + seconds + " s, before the stall timeout");
            metrics.await("camstream_socket_connections", v -> v == 0, Duration.ofSeconds(5));
            assertTrue(stalled.closedByServer(Duration.ofSeconds(10)), "the connection itself was closed");
        }
    }

    @Test
    void snapshotIsAJpegOfTheConfiguredSize() throws Exception {
        HttpResponse<byte[]> snap = container.getBytes("/snapshot/back");
        assertEquals(200, snap.statusCode());
        assertEquals("image/jpeg", snap.headers().firstValue("Content-Type").orElse(""));
        BufferedImage image = jpeg(snap.body());
        assertEquals(320, image.getWidth());
        assertEquals(240, image.getHeight());
    }

    @Test
    void unknownCameraIsA404WithAOneLineReason() throws Exception {
        for (String path : List.of("/stream/nope", "/snapshot/nope", "/view/nope", "/?action=snapshot&camera=nope")) {
            HttpResponse<String> r = container.get(path);
            assertEquals(404, r.statusCode(), path);
            assertEquals("unknown camera: nope", r.body().strip(), path);
        }
        HttpResponse<String> numbered = container.get("/?action=stream_4");
        assertEquals(404, numbered.statusCode());
        assertEquals("no camera number 4 (there are 4, counted from 0)", numbered.body().strip());
    }

    @Test
    void everyResponseCarriesTheSecurityHeadersAndNoServerVersion() throws Exception {
        for (String path : List.of("/", "/camstream.css", "/camstream.js", "/status", "/metrics", "/snapshot/back",
                "/nope", "/stream/nope", "/WEB-INF/web.xml", "/?jsp_precompile=xyz")) {
            HttpResponse<String> r = container.get(path);
            var h = r.headers();
            assertEquals("nosniff", h.firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("no-referrer", h.firstValue("Referrer-Policy").orElse(""), path);
            assertTrue(h.firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'self'"), path);
            assertFalse(r.body().contains("Exception") || r.body().contains("Apache Tomcat") || r.body().contains("Jetty"),
                    path + ": " + r.body());
        }
        try (MjpegStream s = MjpegStream.open(container.url("/stream/front"))) {
            assertEquals("nosniff", s.response().headers().firstValue("X-Content-Type-Options").orElse(""));
        }
    }

    @Test
    void errorsAreOneLineInWordsFromCamstreamsOwnErrorPage() throws Exception {
        for (String path : List.of("/nope", "/WEB-INF/web.xml", "/nope.jsp")) {
            HttpResponse<String> r = container.get(path);
            assertEquals(404, r.statusCode(), path);
            assertEquals("404 not found", r.body().strip(), path);
        }
        HttpResponse<String> jsp = container.get("/?jsp_precompile=xyz");
        assertEquals(400, jsp.statusCode());
        assertEquals("JSP precompilation is not offered here", jsp.body().strip());
        assertEquals(400, container.get("/index.jsp?jsp_precompile").statusCode());
        assertFalse(container.log().contains("JasperException"), container.tail());
    }

    @Test
    void methodsOtherThanGetAnswer405WithAllow() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            for (String path : List.of("/", "/stream/front", "/status", "/metrics", "/camstream.css")) {
                HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(container.url(path))
                        .method(method, java.net.http.HttpRequest.BodyPublishers.ofString("x")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(405, r.statusCode(), method + " " + path);
                assertEquals("GET, HEAD, OPTIONS", r.headers().firstValue("Allow").orElse(""), method + " " + path);
                assertEquals(1, r.body().strip().lines().count(), r.body());
            }
        }
    }

    @Test
    void twoViewersOfASmallerSizeShareOneEncodePerFrameAndABadOptionIsA400() throws Exception {
        Metrics metrics = new Metrics(container.url("/metrics"));
        try (BackgroundViewer main = BackgroundViewer.open(container.url("/stream/back"));
             BackgroundViewer a = BackgroundViewer.open(container.url("/stream/back?width=160"));
             BackgroundViewer b = BackgroundViewer.open(container.url("/stream/back?width=160"))) {
            assertEquals(320, jpeg(main.await(2, 15).body()).getWidth());
            for (BackgroundViewer v : List.of(a, b)) {
                BufferedImage image = jpeg(v.await(2, 15).body());
                assertEquals(160, image.getWidth());
                assertEquals(120, image.getHeight());
            }
            assertEquals(1, metrics.get("camstream_variants", "back"));
            double perCapture = metrics.encodesPerCapture("back", 30, Duration.ofSeconds(20));
            assertTrue(Math.abs(perCapture - 2) <= 0.1, perCapture + " encodes per captured picture, not 2");
        }
        metrics.await("camstream_variants", "back", n -> n == 0, Duration.ofSeconds(10));
        HttpResponse<String> bad = container.get("/stream/back?fps=0");
        assertEquals(400, bad.statusCode());
        assertEquals("bad parameter fps='0': a number of frames per second from 0.1 to 240", bad.body().strip());
    }

    /**
     * A recording on request (the test's requests come from this machine and nothing is protected, so
     * the local rule lets them change recordings) is listed in /status, served whole and by ranges
     * through the container's async I/O, and a file ffprobe reads.
     */
    @Test
    void aRecordingOnRequestIsListedServedByRangesAndReadByFfprobe() throws Exception {
        JsonObject r = recordOnRequest("front", 3);
        assertEquals("manual", r.get("kind").getAsString());
        Path file = recordingFile(r);
        byte[] disk = Files.readAllBytes(file);
        assertEquals(disk.length, r.get("bytes").getAsLong());
        String url = "/" + r.get("url").getAsString();

        HttpResponse<byte[]> whole = getBytes(url, Map.of());
        assertEquals(200, whole.statusCode());
        assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").orElse(""));
        assertArrayEquals(disk, whole.body());

        HttpResponse<byte[]> slice = getBytes(url, Map.of("Range", "bytes=100-1099"));
        assertEquals(206, slice.statusCode());
        assertEquals("bytes 100-1099/" + disk.length, slice.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(disk, 100, 1100), slice.body());

        HttpResponse<byte[]> past = getBytes(url, Map.of("Range", "bytes=" + disk.length + "-"));
        assertEquals(416, past.statusCode());
        assertEquals("bytes */" + disk.length, past.headers().firstValue("Content-Range").orElse(""));

        Recordings.Probe p = Recordings.probe(file);
        assertEquals(r.get("format").getAsString().equals("mp4") ? "h264" : "mjpeg", p.codec(), p.output());
        assertEquals(3, p.seconds(), 1.0, p.output());
        assertTrue(p.frames() >= 3 * 15 / 2, p.output());
        Tools.Result decoded = Recordings.decode(file);
        assertEquals(0, decoded.exitCode(), "ffmpeg decodes the whole file: " + decoded.output());
    }

    /**
     * A page of another site may not delete (its browser sends its Origin; 403 before anything runs),
     * while a request from this machine, where nothing is protected, deletes the file with its
     * thumbnail and sidecar.
     */
    @Test
    void aRecordingIsDeletedFromThisMachineButNotByAPageOfAnotherSite() throws Exception {
        JsonObject r = recordOnRequest("front", 1);
        Path file = recordingFile(r);
        String name = file.getFileName().toString();
        String url = "/" + r.get("url").getAsString();

        HttpResponse<String> foreign = delete(url, Map.of("Origin", "http://evil.example:" + container.port()));
        assertEquals(403, foreign.statusCode(), foreign.body());
        assertTrue(Files.exists(file), "refused, yet deleted");

        HttpResponse<String> done = delete(url, Map.of());
        assertEquals(200, done.statusCode(), done.body());
        assertEquals("deleted front/" + name, done.body().strip());
        String base = name.substring(0, name.lastIndexOf('.'));
        for (String ext : List.of(name.substring(base.length()), ".jpg", ".json")) {
            assertFalse(Files.exists(file.resolveSibling(base + ext)), base + ext + " is still there");
        }
        assertTrue(Recordings.list(container.url("/status"), "front").stream()
                .noneMatch(x -> x.get("url").equals(r.get("url"))), "still listed");
        assertEquals(404, container.status(url));
    }

    /**
     * {@code GET /events} in this container: the ongoing event of the camera whose ball moves reaches a
     * client as {@code event: motion}, and a client that went away leaves the stream working for the
     * next one and no error in the container's log. (Nothing counts event clients, and the server finds
     * a departed one only at its next write, the keep-alive 15 s on: this test does not wait for that.)
     */
    @Test
    void motionEventsReachEachEventStreamClientAndOneThatLeftHindersNoOther() throws Exception {
        int logged = container.log().length();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int client = 1; client <= 2; client++) {
            HttpResponse<Stream<String>> r = http.sendAsync(
                    HttpRequest.newBuilder(container.url("/events")).build(), HttpResponse.BodyHandlers.ofLines())
                    .get(10, TimeUnit.SECONDS);
            try (Stream<String> lines = r.body()) {
                assertEquals(200, r.statusCode());
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                        r.headers().toString());
                CompletableFuture<String> motion = CompletableFuture.supplyAsync(() -> {
                    Iterator<String> it = lines.iterator();
                    while (it.hasNext()) {
                        if (it.next().equals("event: motion") && it.hasNext()) {
                            return it.next();
                        }
                    }
                    return null;
                });
                String data;
                try {
                    data = motion.get(30, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("client " + client + ": no event: motion within 30 s; log:\n" + container.tail());
                }
                assertNotNull(data, "client " + client + ": the stream ended before an event");
                assertTrue(data.startsWith("data: "), data);
                JsonObject event = JsonParser.parseString(data.substring(6)).getAsJsonObject();
                assertEquals("yard", event.get("camera").getAsString(), data);
                assertFalse(event.get("start").isJsonNull(), data);
            }
        }
        // Both connections are gone: the first has been for as long as the second lasted.
        String since = container.log().substring(logged);
        assertFalse(since.contains("Exception") || since.contains("SEVERE") || since.contains("ERROR"), since);
    }

    /** Records {@code camera} for {@code seconds} on request and returns the new recording once it is closed. */
    private JsonObject recordOnRequest(String camera, int seconds) throws Exception {
        Set<String> before = new HashSet<>();
        for (JsonObject r : Recordings.list(container.url("/status"), camera)) {
            before.add(r.get("url").getAsString());
        }
        HttpResponse<String> started = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                container.url("/record/" + camera + "?action=start&seconds=" + seconds))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, started.statusCode(), started.body());
        JsonObject[] found = new JsonObject[1];
        Await.until(Duration.ofSeconds(seconds + 20), "a closed recording of " + camera + " in /status", () -> {
            for (JsonObject r : Recordings.list(container.url("/status"), camera)) {
                if (!before.contains(r.get("url").getAsString()) && !r.get("live").getAsBoolean()) {
                    found[0] = r;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The file on disk that a recording's URL ({@code recordings/{camera}/{name}}) serves. */
    private Path recordingFile(JsonObject recording) {
        Path file = recordings.resolve(recording.get("url").getAsString().substring("recordings/".length()));
        assertTrue(Files.isRegularFile(file), file + " is not there");
        return file;
    }

    private HttpResponse<byte[]> getBytes(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(container.url(path)).timeout(Duration.ofSeconds(20));
        headers.forEach(b::header);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> delete(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(container.url(path)).timeout(Duration.ofSeconds(20)).DELETE();
        headers.forEach(b::header);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Started as README says, on this Java: no native library error and no warning about native access. */
    @Test
    void logSaysTheUrlToOpenWithoutNativeLibraryErrors() {
        String log = container.log();
        assertTrue(log.contains(readyLine(container)), container.tail());
        assertFalse(log.contains("UnsatisfiedLinkError"), container.tail());
        assertFalse(log.contains("restricted method"), "the JDK warned about native access:\n" + container.tail());
        assertFalse(log.contains("has not enabled native access"), container.tail());
        assertFalse(log.contains("did not load"), container.tail());
        assertFalse(log.contains("scanned from multiple locations"), "a jar was scanned twice:\n" + container.tail());
    }

    /** What camstream logs once it is up: the URL of its page on this container. */
    static String readyLine(ServletContainer container) {
        return "camstream is ready: " + container.url("/");
    }

    static BufferedImage jpeg(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertNotNull(image, "not a decodable JPEG");
        return image;
    }
}
