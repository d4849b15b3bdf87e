package camstream;

import camstream.it.support.Await;
import camstream.it.support.Tools;
import camstream.support.EmbeddedCamstream;
import camstream.support.Metrics;
import camstream.support.PictureSocket;
import camstream.support.StalledSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /socket} in embedded Jetty: many cameras over one connection, pausing, stalls, refusals. */
class SocketIT {

    @RegisterExtension
    static final EmbeddedCamstream server = new EmbeddedCamstream(Map.ofEntries(
            Map.entry("camstream.cameras", "one,two,big,locked"),
            Map.entry("camstream.camera.locked.token", "s3cret"),
            Map.entry("camstream.camera.two.maxVariants", "0"),
            Map.entry("camstream.width", "320"),
            Map.entry("camstream.height", "240"),
            Map.entry("camstream.fps", "15"),
            Map.entry("camstream.camera.big.width", "1280"),
            Map.entry("camstream.camera.big.height", "720"),
            Map.entry("camstream.camera.big.fps", "30"),
            Map.entry("camstream.idleTimeout", "2"),
            Map.entry("camstream.stallTimeout", "2")));

    private static URI socket() {
        return PictureSocket.ws(server.uri("socket"));
    }

    @Test
    void oneSocketCarriesTheMovingPicturesOfEveryCameraItWatches() throws Exception {
        Metrics metrics = server.metrics();
        try (PictureSocket s = PictureSocket.open(socket()).watch("one", "two")) {
            Map<String, byte[]> first = new HashMap<>();
            Map<String, byte[]> changed = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (changed.size() < 2 && System.nanoTime() < deadline) {
                PictureSocket.Picture p = s.next(Duration.ofSeconds(10));
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(p.jpeg()));
                assertNotNull(image, "not a JPEG: " + p.camera());
                assertEquals(320, image.getWidth());
                byte[] before = first.putIfAbsent(p.camera(), p.jpeg());
                if (before != null && !Arrays.equals(before, p.jpeg())) {
                    changed.put(p.camera(), p.jpeg());
                }
            }
            assertEquals(java.util.Set.of("one", "two"), changed.keySet(), "both cameras' pictures arrived and moved");
            assertEquals(1, metrics.await("camstream_socket_connections", v -> v == 1, Duration.ofSeconds(5)));
            assertEquals(1, metrics.get("camstream_viewers", "one"));
            assertEquals(1, metrics.get("camstream_viewers", "two"));
            assertEquals(0, metrics.get("camstream_viewers", "big"));
        }
        metrics.await("camstream_socket_connections", v -> v == 0, Duration.ofSeconds(10));
        metrics.await("camstream_viewers", "one", v -> v == 0, Duration.ofSeconds(10));
        metrics.await("camstream_viewers", "two", v -> v == 0, Duration.ofSeconds(10));
    }

    @Test
    void aCameraLeftOutOfTheWatchRequestStopsAndComesBackWhenAskedForAgain() throws Exception {
        Metrics metrics = server.metrics();
        try (PictureSocket s = PictureSocket.open(socket()).watch("one", "two")) {
            metrics.await("camstream_viewers", "two", v -> v == 1, Duration.ofSeconds(10));
            awaitPictures(s, "two", 3);

            s.watch("one");
            metrics.await("camstream_viewers", "two", v -> v == 0, Duration.ofSeconds(5));
            assertEquals(1, metrics.get("camstream_viewers", "one"));
            // Whatever was already under way has arrived after a second; then nothing more of "two".
            long sentBefore = quiet(metrics, "two");
            long received = s.count("two");
            awaitPictures(s, "one", (int) s.count("one") + 10);
            assertEquals(sentBefore, metrics.get("camstream_socket_frames_sent_total", "two"), "sent while paused");
            assertEquals(received, s.count("two"), "received while paused");

            s.watch();
            metrics.await("camstream_viewers", "one", v -> v == 0, Duration.ofSeconds(5));
            assertEquals(1, metrics.get("camstream_socket_connections"), "a paused socket stays open");

            s.watch("two");
            awaitPictures(s, "two", (int) received + 5);
            assertEquals(1, metrics.get("camstream_viewers", "two"));
        }
    }

    @Test
    void aSocketThatReadsNothingIsClosedAfterTheStallTimeoutWhileOthersKeepTheirRate() throws Exception {
        Metrics metrics = server.metrics();
        metrics.await("camstream_viewers", "big", v -> v == 0, Duration.ofSeconds(30));
        try (StalledSocket stalled = new StalledSocket(socket(), "big");
             PictureSocket normal = PictureSocket.open(socket()).watch("big")) {
            metrics.await("camstream_viewers", "big", v -> v == 2, Duration.ofSeconds(10));
            awaitPictures(normal, "big", 1);
            long skippedBefore = metrics.get("camstream_frames_skipped_total", "big");
            long encodedBefore = metrics.get("camstream_frames_encoded_total", "big");
            long receivedBefore = normal.count("big");
            long connected = System.nanoTime();

            // Once its socket buffers are full, 2 s without progress and it is gone; the other stays.
            metrics.await("camstream_viewers", "big", v -> v == 1, Duration.ofSeconds(20));
            double seconds = (System.nanoTime() - connected) / 1e9;
            assertTrue(seconds >= 1.5, "closed after " + seconds + " s");
            metrics.await("camstream_socket_connections", v -> v == 1, Duration.ofSeconds(5));
            assertTrue(stalled.closedByServer(Duration.ofSeconds(10)), "the stalled connection itself was closed");

            long encoded = metrics.get("camstream_frames_encoded_total", "big") - encodedBefore;
            long received = normal.count("big") - receivedBefore;
            // The machine may be busy: the normal socket keeps 90% of what was encoded meanwhile.
            assertTrue(received >= 0.9 * (encoded - 2), "the normal socket got " + received + " of " + encoded);
            // The stalled one held at most one pending picture: once its buffers were full, the rest were skipped, not queued.
            long skipped = metrics.get("camstream_frames_skipped_total", "big") - skippedBefore;
            assertTrue(skipped > 30, "only " + skipped + " of " + encoded + " skipped");
        }
    }

    @Test
    void aPageOfAnotherSiteIsRefusedAtTheHandshake() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> PictureSocket.open(socket(), "http://elsewhere.example"));
        assertEquals(403, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        String origin = "http://127.0.0.1:" + server.uri("").getPort();
        try (PictureSocket s = PictureSocket.open(socket(), origin).watch("one")) {
            awaitPictures(s, "one", 1);
        }
    }

    @Test
    void aCameraWithAnAccessTokenIsShownOnlyToASocketThatCarriesIt() throws Exception {
        try (PictureSocket s = PictureSocket.open(socket()).watch("locked", "one")) {
            awaitPictures(s, "one", 10);
            assertEquals(0, s.count("locked"), "the multipart stream's rule: no token, no pictures");
            assertEquals(0, server.metrics().get("camstream_viewers", "locked"));
        }
        URI withToken = URI.create(socket() + "?token=s3cret");
        try (PictureSocket s = PictureSocket.open(withToken).watch("locked")) {
            awaitPictures(s, "locked", 1);
        }
    }

    @Test
    void anUnknownRequestEndsTheSocketAndUnknownCamerasAreIgnored() throws Exception {
        try (PictureSocket s = PictureSocket.open(socket()).watch("nope", "one")) {
            awaitPictures(s, "one", 1);
            assertEquals(0, s.count("nope"));
            s.send("subscribe one");
            String closed = s.closed().get(10, TimeUnit.SECONDS);
            assertTrue(closed.startsWith("1001 unknown request"), closed);
        }
        server.metrics().await("camstream_socket_connections", v -> v == 0, Duration.ofSeconds(10));
    }

    @Test
    void aCameraCanBeAskedForInAnotherSizeAndAtAFrameRateCap() throws Exception {
        try (PictureSocket s = PictureSocket.open(socket()).watch("big?width=320&quality=60", "one?fps=2")) {
            awaitPictures(s, "big", 3);
            awaitPictures(s, "one", 1);
            s.clear();
            long start = System.nanoTime();
            long oneBefore = s.count("one");
            Map<String, Integer> widths = new HashMap<>();
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3)) {
                PictureSocket.Picture p = s.next(Duration.ofSeconds(5));
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(p.jpeg()));
                widths.put(p.camera(), image.getWidth());
                if (p.camera().equals("big")) {
                    assertEquals(180, image.getHeight(), "1280x720 scaled to fit 320 wide");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(Map.of("big", 320, "one", 320), widths);
            long onePictures = s.count("one") - oneBefore;
            // 15 fps camera, 2 fps asked: at most one more than the cap allows, counting the keep-alive.
            assertTrue(onePictures <= Math.ceil(2 * seconds) + 1, onePictures + " pictures of one in " + seconds + " s");

            // The same options in another order are the same subscription; two's pictures show the request was read.
            long joined = server.metrics().get("camstream_viewers_joined_total", "big");
            s.send("watch big?quality=60&width=320,one?fps=2,two");
            awaitPictures(s, "two", 1);
            assertEquals(joined, server.metrics().get("camstream_viewers_joined_total", "big"));

            // The same camera asked for again in its own size: the subscription is replaced.
            s.send("watch big");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int width = 0;
            while (width != 1280 && System.nanoTime() < deadline) {
                PictureSocket.Picture p = s.next(Duration.ofSeconds(5));
                width = ImageIO.read(new ByteArrayInputStream(p.jpeg())).getWidth();
            }
            assertEquals(1280, width);
        }
    }

    @Test
    void aBadOptionEndsTheSocketNamingIt() throws Exception {
        try (PictureSocket s = PictureSocket.open(socket()).watch("one?width=wide")) {
            String closed = s.closed().get(10, TimeUnit.SECONDS);
            assertTrue(closed.startsWith("1001 one: bad parameter width='wide'"), closed);
        }
        server.metrics().await("camstream_socket_connections", v -> v == 0, Duration.ofSeconds(10));
    }

    @Test
    void theWarCarriesNoWebSocketApiOrImplementationOfItsOwn() throws Exception {
        // The container's own must be the one loaded: a copy in WEB-INF/lib would shadow or clash with it.
        try (java.util.zip.ZipFile war = new java.util.zip.ZipFile(System.getProperty("camstream.war"))) {
            List<String> found = war.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.startsWith("WEB-INF/lib/") && n.toLowerCase(java.util.Locale.ROOT).contains("websocket"))
                    .toList();
            assertEquals(List.of(), found);
        }
    }

    /** Waits until the socket received {@code n} pictures of {@code camera} in all. */
    static void awaitPictures(PictureSocket s, String camera, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (s.count(camera) < n) {
            if (System.nanoTime() > deadline || s.closed().isDone()) {
                throw new AssertionError(s.count(camera) + " of " + n + " pictures of " + camera
                        + (s.closed().isDone() ? "; closed: " + s.closed().join() : ""));
            }
            Thread.sleep(20);
        }
    }

    /** The socket counter of {@code camera} once it stopped moving for a second. */
    private static long quiet(Metrics metrics, String camera) throws Exception {
        long v = metrics.get("camstream_socket_frames_sent_total", camera);
        for (int i = 0; i < 20; i++) {
            Thread.sleep(1000);
            long now = metrics.get("camstream_socket_frames_sent_total", camera);
            if (now == v) {
                return v;
            }
            v = now;
        }
        throw new AssertionError("pictures of " + camera + " still sent after it was left out");
    }

    @Test
    void aCameraRefusedByItsVariantLimitIsNamedWithTheReasonAndTheOthersStillCome() throws Exception {
        try (PictureSocket s = PictureSocket.open(socket()).watch("one", "two?width=80")) {
            String told = s.nextText(Duration.ofSeconds(10));
            assertEquals("{\"camera\":\"two\",\"refused\":\"camera 'two' sends only its own size and quality"
                    + " (camstream.maxVariants=0)\"}", told);
            PictureSocket.Picture p = s.next(Duration.ofSeconds(10));
            assertEquals("one", p.camera());
            s.watch("one", "two");
            Await.until(Duration.ofSeconds(10), "two at its own size", () -> s.count("two") > 0);
        }
    }

    @Test
    void aCameraAskedForAsVideoComesAsAnInitSegmentThenFragmentsThatFfprobeDecodesBesideOneAsPictures() throws Exception {
        Path ffprobe = Tools.require("/usr/bin/ffprobe");
        ByteArrayOutputStream mp4 = new ByteArrayOutputStream();
        int fragments = 0;
        long pictures = 0;
        try (PictureSocket s = PictureSocket.open(socket())) {
            s.send("video one");
            s.watch("one", "two");
            while (fragments < 30 || pictures == 0) {
                PictureSocket.Picture p = s.next(Duration.ofSeconds(10));
                if (p.camera().equals("two")) {
                    assertEquals(0xD8FF, (p.jpeg()[1] & 0xff) << 8 | p.jpeg()[0] & 0xff, "a JPEG");
                    pictures++;
                    continue;
                }
                String box = new String(p.jpeg(), 4, 4, StandardCharsets.US_ASCII);
                if (mp4.size() == 0) {
                    assertEquals("ftyp", box, "an init segment first");
                    assertEquals(0, p.timestampMicros());
                } else {
                    assertEquals("moof", box, "then one fragment per frame");
                    assertTrue(p.timestampMicros() > 0, "with its capture time");
                    fragments++;
                }
                mp4.writeBytes(p.jpeg());
            }
            assertEquals(null, s.nextText(Duration.ZERO), "nothing said: both came as asked");
        }
        Path file = Files.createDirectories(Path.of("target", "socket-video").toAbsolutePath()).resolve("one.mp4");
        Files.write(file, mp4.toByteArray());
        Tools.Result probe = Tools.run(60, file.getParent(), List.of(ffprobe.toString(), "-v", "error", "-count_frames",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,nb_read_frames",
                "-of", "default=noprint_wrappers=1", file.toString()));
        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals(List.of("codec_name=h264", "width=320", "height=240", "nb_read_frames=" + fragments),
                probe.output().strip().lines().toList());
    }
}
