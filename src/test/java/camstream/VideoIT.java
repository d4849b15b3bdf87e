package camstream;

import camstream.it.support.Await;
import camstream.it.support.Decoded;
import camstream.it.support.Tools;
import camstream.support.EmbeddedCamstream;
import camstream.support.Metrics;
import camstream.support.Mp4Stream;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /stream/{camera}.mp4}: the H.264 stream as fragmented MP4, read by ffmpeg and ffprobe and box
 * by box, from a live camera, a camera whose pictures have an odd size and a camera whose source fails.
 */
class VideoIT {

    private static final String TOKEN = "video-s3cret-4711";

    @RegisterExtension
    static final EmbeddedCamstream server = new EmbeddedCamstream(Map.of(
            "camstream.cameras", "cam,odd,down,locked,small",
            "camstream.camera.small.maxVariants", "1",
            "camstream.width", "320", "camstream.height", "240", "camstream.fps", "15",
            "camstream.camera.odd.width", "161", "camstream.camera.odd.height", "121",
            // Nothing listens on the discard port: the source fails at once, again and again.
            "camstream.camera.down.source", "http://127.0.0.1:9/stream",
            "camstream.camera.locked.token", TOKEN,
            "camstream.idleTimeout", "2"));

    private static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    private Decoded ffmpeg(String path, int frames) throws Exception {
        return Decoded.ffmpeg(work, server.uri(path).toString(), frames);
    }

    @Test
    void ffprobeSeesH264OfTheCamerasSizeInConstrainedBaseline() throws Exception {
        Path ffprobe = Tools.require("/usr/bin/ffprobe");
        Tools.Result probe = Tools.run(60, work, List.of(ffprobe.toString(), "-v", "error", "-rw_timeout", "10000000",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,profile,width,height,pix_fmt",
                "-of", "default=noprint_wrappers=1", server.uri("stream/cam.mp4").toString()));
        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals(List.of("codec_name=h264", "profile=Constrained Baseline", "width=320", "height=240",
                "pix_fmt=yuv420p"), probe.output().strip().lines().toList());
    }

    @Test
    void ffmpegDecodesEveryFrameFromAKeyframeOnWithIncreasingTimes() throws Exception {
        Decoded d = ffmpeg("stream/cam.mp4", 45);
        d.assertPlayableFromTheStart("320x240");
        // 45 frames of a 15 frames/s camera span about 3 s of stream time.
        double span = d.times().get(44) - d.times().get(0);
        assertTrue(span > 2.0 && span < 4.5, "45 frames at 15 frames/s span " + span + " s");
        assertTrue(d.keys().stream().skip(1).anyMatch(k -> k), "a keyframe every second: " + d.keys());
    }

    @Test
    void anOddSizedCameraIsSentOnePixelSmallerAsH264Needs() throws Exception {
        ffmpeg("stream/odd.mp4", 5).assertPlayableFromTheStart("160x120");
    }

    @Test
    void aLateJoinerStartsAtAKeyframeAtOnceWhileAnotherViewerWatches() throws Exception {
        try (InputStream first = open("stream/cam.mp4"); Mp4Stream a = new Mp4Stream(first)) {
            assertEquals("ftyp", a.next().type());
            assertEquals("moov", a.next().type());
            Mp4Stream.Fragment f = a.nextFragment();
            assertTrue(f.keyframe());
            for (int i = 0; i < 20; i++) {
                Mp4Stream.Fragment next = a.nextFragment();
                assertEquals(f.sequence() + 1, next.sequence(), "no fragment is missing");
                assertTrue(next.decodeTime() > f.decodeTime());
                f = next;
            }
            long t0 = System.nanoTime();
            try (InputStream second = open("stream/cam.mp4"); Mp4Stream b = new Mp4Stream(second)) {
                assertEquals("ftyp", b.next().type());
                assertEquals("moov", b.next().type());
                Mp4Stream.Fragment g = b.nextFragment();
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(g.keyframe(), "a late joiner's first frame is a keyframe");
                // It asked for one: it comes with the next picture, not at the next second.
                assertTrue(millis < 600, "the first picture came after " + millis + " ms");
                assertTrue(g.sequence() > f.sequence());
            }
        }
    }

    @Test
    void aCameraWhoseSourceFailsSendsItsNoSignalPictureAsH264AtLeastOnceASecond() throws Exception {
        try (InputStream in = open("stream/down.mp4"); Mp4Stream s = new Mp4Stream(in)) {
            assertEquals("ftyp", s.next().type());
            assertEquals("moov", s.next().type());
            long t0 = System.nanoTime();
            Mp4Stream.Fragment first = s.nextFragment();
            assertTrue(first.keyframe());
            for (int i = 0; i < 3; i++) {
                s.nextFragment();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 3.5, "4 pictures took " + seconds + " s");
        }
        ffmpeg("stream/down.mp4", 2).assertPlayableFromTheStart("320x240");
    }

    @Test
    void aViewerMayAskForASmallerSizeAndALowerRateWhichIsEncodedOnceForAllWhoAsk() throws Exception {
        try (InputStream in = open("stream/cam.mp4?width=160&fps=5"); Mp4Stream s = new Mp4Stream(in)) {
            s.next();
            s.next();
            Mp4Stream.Fragment f = s.nextFragment();
            JsonArray streams = camera("cam").getAsJsonObject("h264").getAsJsonArray("streams");
            assertEquals("width=160&fps=5", streams.get(streams.size() - 1).getAsJsonObject().get("options").getAsString(),
                    streams.toString());
            Decoded d = ffmpeg("stream/cam.mp4?fps=5&width=160&quality=50", 10); // the same stream: quality is JPEG's
            d.assertPlayableFromTheStart("160x120");
            double span = d.times().get(9) - d.times().get(0);
            assertTrue(span > 1.4 && span < 2.6, "10 frames at 5 frames/s span " + span + " s: " + d.times());
            assertEquals(streams.size(), camera("cam").getAsJsonObject("h264").getAsJsonArray("streams").size(),
                    "one encode for both viewers");
            assertTrue(s.nextFragment().decodeTime() > f.decodeTime());
        }
        assertEquals(400, status("stream/cam.mp4?width=huge"));
    }

    @Test
    void aCameraMakesNoMoreVariantsThanItMayOfEitherKind() throws Exception {
        try (InputStream in = open("stream/small.mp4?width=160")) {
            assertTrue(in.read() >= 0);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("stream/small.mp4?width=80")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode());
            assertTrue(r.body().contains("makes at most 1 variant"), r.body());
            assertEquals(503, status("stream/small?width=80"), "nor a JPEG one beside it");
            assertEquals(200, http.send(HttpRequest.newBuilder(server.uri("stream/small.mp4")).method("HEAD",
                    HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    @Test
    void theVideoStreamPassesTheGateAsTheOthersDo() throws Exception {
        assertEquals(403, status("stream/locked.mp4"));
        assertEquals(403, status("stream/nosuch.mp4"), "while a camera has a token, unknown ids are answered alike");
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(server.uri("stream/locked.mp4?token=" + TOKEN))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertEquals("video/mp4", head.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void statusAndMetricsCountH264ViewersAndTheEncoderIsFreedWhenTheyLeave() throws Exception {
        Metrics metrics = server.metrics();
        long encodedBefore = metrics.get("camstream_h264_frames_encoded_total", "cam");
        try (InputStream in = open("stream/cam.mp4"); Mp4Stream s = new Mp4Stream(in)) {
            s.next();
            s.next();
            for (int i = 0; i < 10; i++) {
                s.nextFragment();
            }
            JsonObject cam = camera("cam");
            assertEquals("encoding", cam.getAsJsonObject("h264").get("state").getAsString());
            assertEquals(1, cam.getAsJsonObject("h264").get("viewerCount").getAsInt());
            JsonArray viewers = cam.getAsJsonArray("viewers");
            assertEquals(1, viewers.size(), viewers.toString());
            JsonObject v = viewers.get(0).getAsJsonObject();
            assertEquals("h264", v.get("codec").getAsString());
            assertTrue(v.get("bytes").getAsLong() > 0);
            assertEquals(1, metrics.get("camstream_h264_viewers", "cam"));
            assertTrue(metrics.get("camstream_h264_frames_encoded_total", "cam") >= encodedBefore + 10);
        }
        metrics.await("camstream_h264_viewers", "cam", n -> n == 0, Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(10), "the encoder is freed once nobody watches",
                () -> "idle".equals(camera("cam").getAsJsonObject("h264").get("state").getAsString()));
    }

    @Test
    void fiveThousandViewersThatReadOneByteAndLeaveLeaveNothingBehind() throws Exception {
        Metrics metrics = server.metrics();
        long joined = metrics.get("camstream_viewers_joined_total", "cam");
        URI uri = server.uri("stream/cam.mp4");
        byte[] request = ("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        AtomicInteger read = new AtomicInteger();
        for (int i = 0; i < 5000; i++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), 5000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                read.addAndGet(Mp4Stream.readByte(socket.getInputStream()) >= 0 ? 1 : 0);
            }
        }
        assertEquals(5000, read.get());
        metrics.await("camstream_viewers", "cam", n -> n == 0, Duration.ofSeconds(30));
        assertEquals(joined + 5000, metrics.get("camstream_viewers_joined_total", "cam"));
        assertEquals(metrics.get("camstream_viewers_joined_total", "cam"), metrics.get("camstream_viewers_left_total", "cam"));
        // And the stream still works for the next one.
        assertEquals(3, ffmpeg("stream/cam.mp4", 3).frames());
    }

    private static InputStream open(String path) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(server.uri(path)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertEquals("video/mp4", r.headers().firstValue("Content-Type").orElse(""));
        return r.body();
    }

    private static int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    static JsonObject camera(String id) throws Exception {
        String body = http.send(HttpRequest.newBuilder(server.uri("status?camera=" + id)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (JsonElement c : JsonParser.parseString(body).getAsJsonObject().getAsJsonArray("cameras")) {
            return c.getAsJsonObject();
        }
        throw new AssertionError("no camera " + id + " in " + body);
    }
}
