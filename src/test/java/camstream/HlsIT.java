package camstream;

import camstream.it.support.Await;
import camstream.it.support.Decoded;
import camstream.support.EmbeddedCamstream;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /hls/{camera}/index.m3u8}: LL-HLS and plain HLS of the camera's H.264 stream, read by ffmpeg and
 * request by request as a low-latency player and a cache would: parts, preload hints, blocking reloads,
 * held segment requests, cache headers, one stream for all clients.
 */
class HlsIT {

    private static final String TOKEN = "hls-s3cret-0815";
    private static final Pattern SEGMENT = Pattern.compile("(?m)^#EXTINF:([0-9.]+),\\n(\\S+)$");
    private static final Pattern PART = Pattern.compile("(?m)^#EXT-X-PART:DURATION=([0-9.]+),URI=\"([^\"]+)\"(,INDEPENDENT=YES)?$");
    private static final Pattern HINT = Pattern.compile("(?m)^#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([^\"]+)\"$");
    private static final Pattern MAP = Pattern.compile("(?m)^#EXT-X-MAP:URI=\"([^\"]+)\"$");
    private static final Pattern SEQUENCE = Pattern.compile("(?m)^#EXT-X-MEDIA-SEQUENCE:(\\d+)$");

    @RegisterExtension
    static final EmbeddedCamstream server = new EmbeddedCamstream(Map.of(
            "camstream.cameras", "cam,locked,other,down",
            // Nothing listens on the discard port: the source fails at once, again and again.
            "camstream.camera.down.source", "http://127.0.0.1:9/stream",
            "camstream.width", "320", "camstream.height", "240", "camstream.fps", "15",
            "camstream.camera.locked.token", TOKEN));

    private static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String playlist(String path) throws Exception {
        HttpResponse<byte[]> r = get(path);
        assertEquals(200, r.statusCode(), new String(r.body()));
        return new String(r.body());
    }

    private static List<String> all(Pattern p, String text, int group) {
        List<String> found = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            found.add(m.group(group));
        }
        return found;
    }

    @Test
    void ffmpegPlaysThePlaylistFromAKeyframeWithIncreasingTimes() throws Exception {
        Decoded d = Decoded.ffmpeg(work, server.uri("hls/cam/index.m3u8").toString(), 45);
        d.assertPlayableFromTheStart("320x240");
    }

    @Test
    void aCameraThatFailsIsStillAnHlsStreamOfItsNoSignalPictures() throws Exception {
        String text = playlist("hls/down/index.m3u8");
        assertFalse(all(SEGMENT, text, 2).isEmpty(), text);
        Decoded d = Decoded.ffmpeg(work, server.uri("hls/down/index.m3u8").toString(), 3);
        d.assertPlayableFromTheStart("320x240");
    }

    @Test
    void thePlaylistListsSegmentsOfAboutTwoSecondsTheirPartsAndAHintForTheNextPart() throws Exception {
        String text = playlist("hls/cam/index.m3u8");
        assertTrue(text.startsWith("#EXTM3U\n"), text);
        assertTrue(text.contains("#EXT-X-TARGETDURATION:2\n"), text);
        assertTrue(text.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500,HOLD-BACK=6.000\n"), text);
        assertTrue(text.contains("#EXT-X-PART-INF:PART-TARGET=0.500\n"), text);
        // Medians: a frame that comes late (a busy machine) makes its part and segment longer.
        List<Double> segments = all(SEGMENT, text, 1).stream().map(Double::parseDouble).sorted().toList();
        assertFalse(segments.isEmpty(), text);
        double segment = segments.get(segments.size() / 2);
        assertTrue(segment > 1.9 && segment < 2.3, "segments last about 2 s: " + text);
        List<Double> parts = all(PART, text, 1).stream().map(Double::parseDouble).sorted().toList();
        double part = parts.get(parts.size() / 2);
        assertTrue(part > 0.4 && part <= 0.5, "parts last about 0.5 s, never more but for one late frame: " + text);
        assertEquals(1, all(HINT, text, 1).size(), text);
        assertEquals(1, all(MAP, text, 1).size(), text);
    }

    @Test
    void aSegmentIsItsPartsInOneAndStartsWithAKeyframeThatFfprobeDecodes() throws Exception {
        String text = playlist("hls/cam/index.m3u8");
        // The newest complete segment whose parts are all listed.
        List<String> segments = all(SEGMENT, text, 2);
        String segment = segments.get(segments.size() - 1);
        String msn = segment.substring(segment.lastIndexOf('/') + 1, segment.indexOf(".m4s"));
        String prefix = segment.substring(0, segment.lastIndexOf('/') + 1) + msn + ".";
        ByteArrayOutputStream parts = new ByteArrayOutputStream();
        List<String> partUris = all(PART, text, 2).stream().filter(u -> u.startsWith(prefix)).toList();
        assertFalse(partUris.isEmpty(), text);
        for (String p : partUris) {
            parts.write(get("hls/cam/" + p).body());
        }
        byte[] whole = get("hls/cam/" + segment).body();
        assertArrayEquals(whole, parts.toByteArray(), "a segment is its parts, in order");

        byte[] init = get("hls/cam/" + all(MAP, text, 1).get(0)).body();
        Path file = work.resolve("segment.mp4");
        Files.write(file, init);
        Files.write(file, whole, java.nio.file.StandardOpenOption.APPEND);
        Decoded d = Decoded.ffmpeg(work, file.toString(), 20);
        d.assertPlayableFromTheStart("320x240");
    }

    @Test
    void segmentsAreImmutableForCachesAndPlaylistsLiveASecond() throws Exception {
        String text = playlist("hls/cam/index.m3u8");
        String segment = all(SEGMENT, text, 2).get(0);
        HttpResponse<byte[]> s = get("hls/cam/" + segment);
        assertEquals(200, s.statusCode());
        assertEquals("public, max-age=31536000, immutable", s.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("video/mp4", s.headers().firstValue("Content-Type").orElse(""));
        assertEquals(String.valueOf(s.body().length), s.headers().firstValue("Content-Length").orElse(""));
        String etag = s.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> again = http.send(HttpRequest.newBuilder(server.uri("hls/cam/" + segment))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(304, again.statusCode());

        HttpResponse<byte[]> p = get("hls/cam/index.m3u8");
        assertEquals("application/vnd.apple.mpegurl", p.headers().firstValue("Content-Type").orElse(""));
        assertEquals("public, max-age=1", p.headers().firstValue("Cache-Control").orElse(""));
        assertEquals(String.valueOf(p.body().length), p.headers().firstValue("Content-Length").orElse(""));
        assertTrue(p.headers().firstValue("ETag").isPresent());
    }

    @Test
    void aBlockingReloadIsHeldUntilThePartItAsksForExistsAndThenListsIt() throws Exception {
        String text = playlist("hls/cam/index.m3u8");
        String hint = all(HINT, text, 1).get(0);
        Matcher m = Pattern.compile("/(\\d+)\\.(\\d+)\\.m4s$").matcher(hint);
        assertTrue(m.find(), hint);
        long msn = Long.parseLong(m.group(1));
        int part = Integer.parseInt(m.group(2));
        long start = System.nanoTime();
        String later = playlist("hls/cam/index.m3u8?_HLS_msn=" + msn + "&_HLS_part=" + part);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(later.contains(hint.substring(hint.lastIndexOf('/') + 1) + "\"") || segmentAfter(later, msn),
                "the answer lists part " + part + " of " + msn + ": " + later);
        assertTrue(millis < 3000, "held about a part, not " + millis + " ms");
        HttpResponse<byte[]> r = get("hls/cam/index.m3u8?_HLS_msn=" + msn + "&_HLS_part=" + part);
        assertTrue(r.headers().firstValue("Cache-Control").orElse("").startsWith("public, max-age="), r.headers().toString());
    }

    private static boolean segmentAfter(String text, long msn) {
        return all(SEGMENT, text, 2).stream().anyMatch(u -> u.endsWith("/" + msn + ".m4s"));
    }

    @Test
    void thePartAPreloadHintNamesIsHeldUntilItExistsNot404() throws Exception {
        String text = playlist("hls/cam/index.m3u8");
        String hint = all(HINT, text, 1).get(0);
        HttpResponse<byte[]> r = get("hls/cam/" + hint);
        assertEquals(200, r.statusCode(), new String(r.body()));
        assertTrue(r.body().length > 100);
        assertEquals("public, max-age=31536000, immutable", r.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void badOrFarReloadsAndUnknownResourcesGetClearErrors() throws Exception {
        String text = playlist("hls/cam/index.m3u8");
        long first = Long.parseLong(all(SEQUENCE, text, 1).get(0));
        HttpResponse<byte[]> far = get("hls/cam/index.m3u8?_HLS_msn=" + (first + 100));
        assertEquals(400, far.statusCode());
        assertTrue(new String(far.body()).contains("more than two segments"), new String(far.body()));
        assertEquals(400, get("hls/cam/index.m3u8?_HLS_part=1").statusCode());
        assertEquals(400, get("hls/cam/index.m3u8?_HLS_msn=x").statusCode());
        assertEquals(404, get("hls/cam/nothing.txt").statusCode());
        HttpResponse<byte[]> option = get("hls/cam/index.m3u8?width=160");
        assertEquals(400, option.statusCode());
        assertTrue(new String(option.body()).contains("the camera's own H.264 stream"), new String(option.body()));
        HttpResponse<byte[]> old = get("hls/cam/zz0/3.m4s");
        assertEquals(404, old.statusCode());
        assertTrue(new String(old.body()).contains("reload the playlist"), new String(old.body()));
        // A camera has a token: an unknown id is refused as a protected camera is, so ids cannot be probed.
        assertEquals(403, get("hls/nosuch/index.m3u8").statusCode());
        HttpResponse<byte[]> never = get("hls/cam/" + all(SEGMENT, text, 2).get(0).replaceAll("/\\d+\\.m4s$", "/" + (first + 100) + ".m4s"));
        assertEquals(404, never.statusCode(), "a segment far ahead is not held");
    }

    @Test
    void aProtectedCameraNeedsItsTokenAndThePlaylistCarriesItToEveryUri() throws Exception {
        assertEquals(403, get("hls/locked/index.m3u8").statusCode());
        String text = playlist("hls/locked/index.m3u8?token=" + TOKEN);
        List<String> uris = new ArrayList<>(all(SEGMENT, text, 2));
        uris.addAll(all(MAP, text, 1));
        uris.addAll(all(PART, text, 2));
        assertFalse(uris.isEmpty());
        for (String u : uris) {
            assertTrue(u.endsWith("?token=" + TOKEN), u);
        }
        assertEquals(200, get("hls/locked/" + uris.get(0)).statusCode());
        assertEquals(403, get("hls/locked/" + uris.get(0).replaceAll("\\?.*", "")).statusCode());
    }

    @Test
    void manyClientsAreOneViewerOfTheCamerasOneH264Stream() throws Exception {
        playlist("hls/other/index.m3u8");
        List<CompletableFuture<HttpResponse<byte[]>>> clients = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            clients.add(http.sendAsync(HttpRequest.newBuilder(server.uri("hls/other/index.m3u8")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (CompletableFuture<HttpResponse<byte[]>> c : clients) {
            assertEquals(200, c.get().statusCode());
        }
        JsonObject other = camera("other");
        assertEquals(1, other.get("viewerCount").getAsInt(), other.toString());
        assertTrue(other.getAsJsonObject("h264").get("hlsRequests").getAsLong() >= 51, other.toString());
        // Nobody asks any more: the HLS stream lets go of the camera (15 s after the last request).
        Await.until(Duration.ofSeconds(30), "the idle HLS stream let go of the camera",
                () -> camera("other").get("viewerCount").getAsInt() == 0);
    }

    private static JsonObject camera(String id) throws Exception {
        JsonObject status = JsonParser.parseString(new String(get("status?camera=" + id).body())).getAsJsonObject();
        return status.getAsJsonArray("cameras").get(0).getAsJsonObject();
    }
}
