package camstream;

import camstream.it.support.Await;
import camstream.it.support.Decoded;
import camstream.it.support.Tools;
import camstream.support.BackgroundMp4Viewer;
import camstream.support.BackgroundViewer;
import camstream.support.EmbeddedCamstream;
import camstream.support.LogCapture;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import camstream.support.Mp4Stream;
import camstream.support.RtspCamera;
import camstream.video.AnnexB;
import camstream.video.H264Sps;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IP cameras over RTSP, from GStreamer's RTSP server on loopback ({@link RtspCamera}), in embedded
 * Jetty: the camera's own H.264 reaches H.264 viewers byte for byte with no encoder; pictures are
 * decoded only while someone needs them; H.265 is decoded and encoded again; the password never shows;
 * and whatever the camera does (wrong password or path, reboot, reset, silence, a new picture size,
 * H.265 after a firmware update) every viewer gets a picture or NO SIGNAL at least about once a
 * second, the camera comes back by itself, and another camera keeps its full rate.
 */
class RtspIT {

    private static final String PASSWORD = "Pw-7f3kq9";
    private static final String CREDENTIALS = "cam:" + PASSWORD;
    /** Longest gap allowed between two parts a viewer gets: once a second, and some slack for a loaded machine. */
    private static final double MAX_GAP_SECONDS = 1.6;

    private static RtspCamera camera;
    private static RtspCamera flaky;
    private static int flakyPort;
    private static EmbeddedCamstream server;
    private static LogCapture log;
    // Held so that its level stays: a viewer's end and its reason are logged at FINE.
    private static final Logger VIEWERS = Logger.getLogger("camstream.web.HttpViewer");
    private static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        log = new LogCapture();
        VIEWERS.setLevel(Level.FINE);
        camera = RtspCamera.start(0, CREDENTIALS);
        flaky = RtspCamera.start();
        flakyPort = flaky.port();
        server = EmbeddedCamstream.start(Map.ofEntries(
                Map.entry("camstream.cameras", "ip,ip265,udp,wrongpw,nopath,flaky,pattern,noffmpeg,turned,bframes"),
                Map.entry("camstream.sourceTimeout", "2"),
                Map.entry("camstream.summaryInterval", "0"),
                Map.entry("camstream.camera.ip.source", camera.url("/h264", CREDENTIALS)),
                Map.entry("camstream.camera.ip265.source", camera.url("/h265", CREDENTIALS)),
                Map.entry("camstream.camera.udp.source", camera.url("/h264", CREDENTIALS)),
                Map.entry("camstream.camera.udp.rtspTransport", "udp"),
                Map.entry("camstream.camera.wrongpw.source", camera.url("/h264", "cam:not-" + PASSWORD)),
                Map.entry("camstream.camera.nopath.source", camera.url("/nowhere", CREDENTIALS)),
                Map.entry("camstream.camera.flaky.source", flaky.url("/h264", null)),
                Map.entry("camstream.camera.flaky.readTimeout", "3"),
                Map.entry("camstream.camera.bframes.source", camera.url("/h264-b", CREDENTIALS)),
                Map.entry("camstream.camera.turned.source", camera.url("/h264", CREDENTIALS)),
                Map.entry("camstream.camera.turned.rotate", "90"),
                Map.entry("camstream.camera.noffmpeg.source", camera.url("/h264", CREDENTIALS)),
                Map.entry("camstream.camera.noffmpeg.ffmpeg", "/nonexistent/ffmpeg"),
                Map.entry("camstream.camera.pattern.width", "320"),
                Map.entry("camstream.camera.pattern.height", "240"),
                Map.entry("camstream.camera.pattern.fps", "15")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (camera != null) {
            camera.close();
        }
        if (flaky != null) {
            flaky.close();
        }
        if (log != null) {
            log.close();
        }
        VIEWERS.setLevel(null);
    }

    @Test
    void theCamerasOwnH264ReachesMp4ViewersByteForByteWithNoEncoderRunning() throws Exception {
        Path ffmpeg = Tools.require("/usr/bin/ffmpeg");
        Metrics metrics = server.metrics();
        try (BackgroundMp4Viewer viewer = BackgroundMp4Viewer.open(server.uri("stream/ip.mp4"))) {
            viewer.await(10, 30);
            Await.until(Duration.ofSeconds(10), "the camera's H.264 passes through",
                    () -> "passthrough".equals(h264(status("ip")).get("state").getAsString()));
            long encodedBefore = metrics.get("camstream_h264_frames_encoded_total", "ip");
            long decodedBefore = metrics.get("camstream_frames_decoded_total", "ip");
            int from = viewer.frames().size();
            // The same camera read directly, at the same time: the camera shares one stream with all its clients.
            Path direct = work.resolve("direct.h264");
            Tools.Result read = Tools.run(60, work, List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-loglevel", "error",
                    "-rtsp_transport", "tcp", "-i", camera.url("/h264", CREDENTIALS), "-map", "0:v:0", "-c", "copy",
                    "-frames:v", "90", "-f", "h264", direct.toString()));
            assertEquals(0, read.exitCode(), read.output());
            viewer.await(from + 60, 30);
            List<byte[]> ours = new ArrayList<>();
            for (BackgroundMp4Viewer.Received r : viewer.frames().subList(from, viewer.frames().size())) {
                ours.addAll(slices(Mp4Stream.nals(r.sample())));
            }
            List<byte[]> theirs = new ArrayList<>();
            for (AnnexB.Nal n : AnnexB.split(Files.readAllBytes(direct))) {
                if (n.isSlice()) {
                    theirs.add(n.toArray());
                }
            }
            assertTrue(longestCommonRun(ours, theirs) >= 30, "at least 30 slices in a row are the camera's own, byte for byte"
                    + " (" + ours.size() + " received, " + theirs.size() + " read directly)");
            assertEquals(encodedBefore, metrics.get("camstream_h264_frames_encoded_total", "ip"), "no H.264 encode");
            assertTrue(metrics.get("camstream_h264_frames_passed_through_total", "ip") >= 60);
            assertEquals(decodedBefore, metrics.get("camstream_frames_decoded_total", "ip"), "nobody needed pixels: nothing decoded");
            assertTrue(threads("camstream-decode-ip").isEmpty(), "no decoder runs: " + threads("camstream-decode-"));
        }
    }

    @Test
    void aViewerWhoJoinsStartsAtOnceFromTheCamerasLastKeyframe() throws Exception {
        try (BackgroundMp4Viewer first = BackgroundMp4Viewer.open(server.uri("stream/ip.mp4"))) {
            first.await(40, 30);
            List<Long> waits = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                try (BackgroundMp4Viewer joiner = BackgroundMp4Viewer.open(server.uri("stream/ip.mp4"))) {
                    BackgroundMp4Viewer.Received r = joiner.await(1, 10);
                    waits.add((r.arrivalNanos() - t0) / 1_000_000);
                    assertTrue(r.fragment().keyframe(), "a joiner starts at a keyframe");
                }
                Thread.sleep(170); // the next joins at another point of the camera's one-second group of pictures
            }
            // Waiting for the camera's next keyframe would take 500 ms on average, up to a second.
            assertTrue(waits.stream().allMatch(w -> w < 450), "milliseconds to the first frame: " + waits);
        }
    }

    @Test
    void anMjpegViewerGetsDecodedPicturesAndTheDecoderEndsAfterItLeaves() throws Exception {
        try (BackgroundMp4Viewer video = BackgroundMp4Viewer.open(server.uri("stream/ip.mp4"))) {
            video.await(5, 30);
            try (MjpegStream jpeg = MjpegStream.open(server.uri("stream/ip"))) {
                BufferedImage first = null;
                BufferedImage last = null;
                for (int i = 0; i < 30; i++) {
                    BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg.next().body()));
                    first = first == null ? img : first;
                    last = img;
                }
                assertEquals(640, last.getWidth());
                assertEquals(480, last.getHeight());
                assertFalse(sameImage(first, last), "the pictures move");
                assertTrue(server.metrics().get("camstream_frames_decoded_total", "ip") >= 20);
                assertFalse(threads("camstream-decode-ip").isEmpty(), "a decoder runs while pictures are needed");
            }
            // Decoding lingers a few seconds after the last picture was wanted, then ends; the H.264 goes on.
            Await.until(Duration.ofSeconds(15), "the decoder ends", () -> threads("camstream-decode-ip").isEmpty());
            int n = video.frames().size();
            video.await(n + 15, 10);
        }
    }

    @Test
    void aSnapshotOfACameraNobodyWatchesIsDecodedFromItsStream() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri("snapshot/ip265")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
    }

    @Test
    void h265IsDecodedAndEncodedAgainAsH264ForItsH264Viewers() throws Exception {
        Decoded d = Decoded.ffmpeg(work, server.uri("stream/ip265.mp4").toString(), 30);
        d.assertPlayableFromTheStart("640x480");
        assertTrue(d.output().contains("Video: h264"), d.output());
        assertEquals("encoding", h264(status("ip265")).get("state").getAsString());
        try (MjpegStream jpeg = MjpegStream.open(server.uri("stream/ip265"))) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg.next().body()));
            assertEquals(640, img.getWidth());
        }
    }

    @Test
    void aCameraWhosePicturesAreTurnedIsEncodedTurnedNotPassedThrough() throws Exception {
        try (BackgroundMp4Viewer viewer = BackgroundMp4Viewer.open(server.uri("stream/turned.mp4"))) {
            viewer.await(5, 30);
            assertEquals("encoding", h264(status("turned")).get("state").getAsString());
        }
        Decoded.ffmpeg(work, server.uri("stream/turned.mp4").toString(), 15).assertPlayableFromTheStart("480x640");
    }

    @Test
    void aCameraWhoseH264HasBFramesIsNamedInTheLog() throws Exception {
        try (BackgroundMp4Viewer viewer = BackgroundMp4Viewer.open(server.uri("stream/bframes.mp4"));
             BackgroundMp4Viewer other = BackgroundMp4Viewer.open(server.uri("stream/ip.mp4"))) {
            viewer.await(30, 30);
            other.await(30, 30);
            Await.until(Duration.ofSeconds(5), "a warning that the camera sends B-frames",
                    () -> log.warnings().stream().anyMatch(w -> w.startsWith("Camera 'bframes': its H.264 has B-frames")));
            assertTrue(log.warnings().stream().noneMatch(w -> w.startsWith("Camera 'ip': its H.264 has B-frames")));
        }
    }

    @Test
    void aCameraReadOverUdpPassesThroughToo() throws Exception {
        try (BackgroundMp4Viewer viewer = BackgroundMp4Viewer.open(server.uri("stream/udp.mp4"))) {
            viewer.await(60, 30);
            Await.until(Duration.ofSeconds(10), "the camera's H.264 passes through",
                    () -> "passthrough".equals(h264(status("udp")).get("state").getAsString()));
        }
    }

    @Test
    void aWrongPasswordAndAWrongPathSaySoAndThePasswordIsNeverShown() throws Exception {
        try (BackgroundMp4Viewer video = BackgroundMp4Viewer.open(server.uri("stream/wrongpw.mp4"));
             BackgroundViewer jpeg = BackgroundViewer.open(server.uri("stream/nopath"))) {
            long t0 = System.nanoTime();
            Await.until(Duration.ofSeconds(15), "the wrong password is named",
                    () -> status("wrongpw").get("reason").getAsString().contains("401"));
            Await.until(Duration.ofSeconds(15), "the wrong path is named",
                    () -> status("nopath").get("reason").getAsString().contains("404"));
            video.await(3, 10);
            jpeg.await(3, 10);
            Thread.sleep(3000); // viewers watched a failing camera for a while: every second, they got its placeholder
            video.assertSteady(t0 + TimeUnit.SECONDS.toNanos(2), MAX_GAP_SECONDS);
            BackgroundViewer.assertMaxGap(jpeg.partsSince(t0 + TimeUnit.SECONDS.toNanos(2)), t0 + TimeUnit.SECONDS.toNanos(2),
                    MAX_GAP_SECONDS);
        }
        String everything = get("status") + get("metrics") + get("") + get("status?camera=wrongpw")
                + String.join("\n", log.messages());
        assertTrue(everything.contains("cam:***@127.0.0.1"), "the URL is shown masked");
        assertFalse(everything.contains(PASSWORD), "the password shows in the status, metrics, page or log");
    }

    @Test
    void withoutFfmpegAnIpCameraSaysWhatToInstallAndTheOthersWork() throws Exception {
        try (BackgroundViewer jpeg = BackgroundViewer.open(server.uri("stream/noffmpeg"))) {
            Await.until(Duration.ofSeconds(15), "the camera says what to install",
                    () -> status("noffmpeg").get("reason").getAsString().contains("install the package ffmpeg"));
            jpeg.await(2, 10);
        }
        assertTrue(JsonParser.parseString(get("status")).getAsJsonObject().getAsJsonObject("nativeLibraries")
                .get("ffmpeg").getAsString().contains("/nonexistent/ffmpeg: cannot run"));
        assertTrue(log.warnings().stream().anyMatch(w -> w.startsWith("IP cameras [noffmpeg] are off")), log.warnings().toString());
        try (MjpegStream other = MjpegStream.open(server.uri("stream/ip"))) {
            other.next();
        }
    }

    @Test
    void aCameraThatRebootsComesBackByItselfWhileViewersKeepGettingPictures() throws Exception {
        faultWithViewers("reboot", video -> {
            flaky.kill();
            awaitState("flaky", "no-signal");
            Thread.sleep(3000); // the camera stays off a while, as a reboot takes
            flaky = RtspCamera.start(flakyPort, null);
        });
    }

    @Test
    void aConnectionResetMidStreamIsConnectedAgain() throws Exception {
        faultWithViewers("reset", video -> {
            flaky.kill();
            flaky = RtspCamera.start(flakyPort, null);
        });
    }

    @Test
    void aCameraThatGoesSilentShowsNoSignalAndComesBackWhenItSpeaksAgain() throws Exception {
        faultWithViewers("silence", video -> {
            flaky.command("silence");
            awaitState("flaky", "no-signal");
            Thread.sleep(2000);
            flaky.command("resume");
        });
    }

    @Test
    void lostPicturesBreakNeitherTheStreamNorTheDecoder() throws Exception {
        faultWithViewers("loss", video -> {
            long decoded = server.metrics().get("camstream_frames_decoded_total", "flaky");
            flaky.command("loss 0.1");
            // Pictures keep coming, decoded though some refer to pictures that never came.
            server.metrics().await("camstream_frames_decoded_total", "flaky", d -> d > decoded + 90, Duration.ofSeconds(20));
            flaky.command("loss 0");
        });
    }

    @Test
    void aNewPictureSizeMidStreamGoesOnInTheSameMp4Stream() throws Exception {
        List<Long> sizes = new ArrayList<>();
        faultWithViewers("size", video -> {
            flaky.command("size 320 240");
            Await.until(Duration.ofSeconds(20), "the JPEG pictures are 320 wide",
                    () -> status("flaky").get("width").getAsInt() == 320);
            Await.until(Duration.ofSeconds(20), "a keyframe of 320x240 pictures reaches the MP4 viewer", () -> {
                for (BackgroundMp4Viewer.Received r : video.frames()) {
                    if (r.fragment().keyframe()) {
                        sizes.add(H264Sps.size(Mp4Stream.nals(r.sample()).get(0)));
                    }
                }
                return sizes.contains(320L << 32 | 240);
            });
            flaky.command("size 640 480");
        });
    }

    @Test
    void aCameraThatSendsH265AfterAFirmwareUpdateIsDecodedAndEncodedAgain() throws Exception {
        faultWithViewers("h265", video -> {
            flaky.kill();
            flaky = RtspCamera.start(flakyPort, null, true);
            Await.until(Duration.ofSeconds(20), "the H.265 camera is encoded to H.264",
                    () -> "encoding".equals(h264(status("flaky")).get("state").getAsString()));
            flaky.kill();
            flaky = RtspCamera.start(flakyPort, null);
        });
    }

    private interface Fault {
        void run(BackgroundMp4Viewer video) throws Exception;
    }

    /**
     * Watches the flaky camera (H.264 and JPEG) and the test pattern through {@code fault}: every viewer
     * gets a part at least about once a second throughout, the flaky camera is live again afterwards
     * (how long it took is printed), and the test pattern kept its rate.
     */
    private void faultWithViewers(String name, Fault fault) throws Exception {
        int logged = log.messages().size();
        try {
            watchThrough(name, fault);
        } catch (AssertionError e) {
            List<String> messages = log.messages();
            throw new AssertionError(e.getMessage() + "; the server logged meanwhile about flaky: "
                    + messages.subList(logged, messages.size()).stream().filter(m -> m.contains("'flaky'")).toList(), e);
        }
    }

    private void watchThrough(String name, Fault fault) throws Exception {
        try (BackgroundMp4Viewer video = BackgroundMp4Viewer.open(server.uri("stream/flaky.mp4"));
             BackgroundViewer jpeg = BackgroundViewer.open(server.uri("stream/flaky"));
             BackgroundViewer other = BackgroundViewer.open(server.uri("stream/pattern"))) {
            awaitState("flaky", "live");
            video.await(video.frames().size() + 30, 20);
            long t0 = System.nanoTime();
            int otherBefore = other.parts().size();
            fault.run(video);
            long restored = System.nanoTime();
            awaitState("flaky", "live");
            int n = video.frames().size();
            BackgroundMp4Viewer.Received back = video.await(n + 1, 20);
            double recovery = (System.nanoTime() - restored) / 1e9;
            video.await(n + 30, 20);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.err.printf(Locale.ROOT, "RTSP fault %s: live again %.2f s after the camera was back (fault %.1f s)%n",
                    name, recovery, seconds);
            video.assertSteady(t0, MAX_GAP_SECONDS);
            BackgroundViewer.assertMaxGap(jpeg.partsSince(t0), t0, MAX_GAP_SECONDS);
            int otherParts = other.parts().size() - otherBefore;
            assertTrue(otherParts >= 0.8 * 15 * seconds, "the other camera kept its 15 frames/s: " + otherParts
                    + " parts in " + seconds + " s");
            assertTrue(back.arrivalNanos() > 0);
        }
    }

    private static void awaitState(String camera, String state) {
        Await.until(Duration.ofSeconds(30), camera + " is " + state,
                () -> state.equals(status(camera).get("state").getAsString()));
    }

    private static JsonObject status(String camera) throws IOException, InterruptedException {
        return JsonParser.parseString(get("status?camera=" + camera)).getAsJsonObject()
                .getAsJsonArray("cameras").get(0).getAsJsonObject();
    }

    private static JsonObject h264(JsonObject camera) {
        return camera.getAsJsonObject("h264");
    }

    private static String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Names of this JVM's threads that start with {@code prefix}. */
    private static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith(prefix)).toList();
    }

    private static List<byte[]> slices(List<byte[]> nals) {
        return nals.stream().filter(n -> (n[0] & 0x1f) >= 1 && (n[0] & 0x1f) <= 5).toList();
    }

    /** The longest run of NAL units that {@code a} and {@code b} have in common, in order. */
    private static int longestCommonRun(List<byte[]> a, List<byte[]> b) {
        int best = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < b.size(); j++) {
                int k = 0;
                while (i + k < a.size() && j + k < b.size() && java.util.Arrays.equals(a.get(i + k), b.get(j + k))) {
                    k++;
                }
                best = Math.max(best, k);
            }
        }
        return best;
    }

    private static boolean sameImage(BufferedImage a, BufferedImage b) {
        for (int y = 0; y < a.getHeight(); y += 8) {
            for (int x = 0; x < a.getWidth(); x += 8) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }
}
