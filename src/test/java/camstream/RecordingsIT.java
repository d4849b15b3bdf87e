package camstream;

import camstream.it.support.Await;
import camstream.it.support.RecordingFiles;
import camstream.support.EmbeddedCamstream;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /recordings/{camera}}: recordings laid in the recordings directory as the recorder writes them
 * (an fMP4 and an MJPEG AVI, with thumbnails and sidecars) listed, served with ranges, played and
 * guarded, in embedded Jetty.
 */
class RecordingsIT {

    private static final Path DIR = tempDir();
    private static final String TOKEN = "rec-s3cret-42";
    private static final String CONTROL = "control-s3cret-17";
    private static final Instant MP4_START = Instant.parse("2026-12-07T18:00:00Z");
    private static final Instant AVI_START = Instant.parse("2026-12-07T18:05:00Z");
    private static final String MP4 = RecordingFiles.base(MP4_START, "motion") + ".mp4";
    private static final String AVI = RecordingFiles.base(AVI_START, "manual") + ".avi";
    private static final String BIG_FILE = "20261207-120000-continuous.mp4";
    private static final int BIG = 48 << 20;
    /** Beside the cameras' folders: what a traversal would reach. */
    private static final String SECRET = "not-a-recording-7f3a";

    @RegisterExtension
    static final EmbeddedCamstream server = new EmbeddedCamstream(Map.of(
            "camstream.cameras", "front,locked,busy",
            "camstream.camera.locked.token", TOKEN,
            "camstream.controlToken", CONTROL,
            "camstream.stallTimeout", "2",
            "camstream.recordings", DIR.toString()));

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static List<byte[]> aviPictures;

    @BeforeAll
    static void recordings() throws Exception {
        RecordingFiles.mp4(DIR, "front", MP4_START, "motion", 4);
        aviPictures = RecordingFiles.avi(DIR, "front", AVI_START, "manual", 12, 12.5);
        RecordingFiles.avi(DIR, "locked", AVI_START, "manual", 3, 12.5);
        Files.writeString(DIR.resolve("secret.txt"), SECRET);
        // Large enough to fill every buffer between server and client: what is in it is not read, only sent.
        Path folder = DIR.resolve("front");
        byte[] big = new byte[BIG];
        new java.util.Random(7).nextBytes(big);
        Files.write(folder.resolve(BIG_FILE), big);
        Files.writeString(folder.resolve(BIG_FILE.replace(".mp4", ".json")), "{\"start\":\"2026-12-07T12:00:00Z\","
                + "\"seconds\":600,\"kind\":\"continuous\",\"format\":\"mp4\",\"pictures\":15000}");
        Files.writeString(DIR.resolve("front").resolve("20261207-180000-motion.txt"), SECRET);
    }

    @Test
    void theListGivesEachRecordingNewestFirstWithItsStartLengthKindAndThumbnail() throws Exception {
        HttpResponse<String> r = get("recordings/front", Map.of());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonArray list = new Gson().fromJson(r.body(), JsonArray.class);
        assertEquals(3, list.size(), r.body());
        JsonObject avi = list.get(0).getAsJsonObject();
        JsonObject mp4 = list.get(1).getAsJsonObject();
        assertEquals("recordings/front/" + BIG_FILE, list.get(2).getAsJsonObject().get("url").getAsString());
        assertEquals("recordings/front/" + AVI, avi.get("url").getAsString());
        assertEquals(AVI_START.toString(), avi.get("start").getAsString());
        assertEquals(0.96, avi.get("seconds").getAsDouble(), 0.001);
        assertEquals("manual", avi.get("kind").getAsString());
        assertEquals("avi", avi.get("format").getAsString());
        assertFalse(avi.get("live").getAsBoolean());
        assertEquals("recordings/front/" + RecordingFiles.base(AVI_START, "manual") + ".jpg", avi.get("thumbnail").getAsString());
        assertEquals("recordings/front/" + MP4, mp4.get("url").getAsString());
        assertEquals(4.0, mp4.get("seconds").getAsDouble(), 0.001);
        assertEquals(Files.size(DIR.resolve("front").resolve(MP4)), mp4.get("bytes").getAsLong());
    }

    @Test
    void aRecordingIsServedWholeWithItsTypeAndThatRangesAreAccepted() throws Exception {
        byte[] file = Files.readAllBytes(DIR.resolve("front").resolve(MP4));
        HttpResponse<byte[]> r = bytes("recordings/front/" + MP4, Map.of());
        assertEquals(200, r.statusCode());
        assertEquals("video/mp4", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("bytes", r.headers().firstValue("Accept-Ranges").orElse(""));
        assertTrue(r.headers().firstValue("ETag").isPresent());
        assertTrue(r.headers().firstValue("Last-Modified").isPresent());
        assertArrayEquals(file, r.body());
        assertNull(r.headers().firstValue("Content-Disposition").orElse(null));

        HttpResponse<byte[]> download = bytes("recordings/front/" + MP4 + "?download", Map.of());
        assertEquals("attachment; filename=\"" + MP4 + "\"", download.headers().firstValue("Content-Disposition").orElse(""));
        assertArrayEquals(file, download.body());
    }

    @Test
    void aHeadGivesTheLengthAndTypeWithoutTheBody() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri("recordings/front/" + MP4))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("video/mp4", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals(Files.size(DIR.resolve("front").resolve(MP4)), r.headers().firstValueAsLong("Content-Length").orElse(-1));
        assertEquals(0, r.body().length);
    }

    @Test
    void aSingleRangeIsAnswered206WithJustThoseBytes() throws Exception {
        byte[] file = Files.readAllBytes(DIR.resolve("front").resolve(MP4));
        HttpResponse<byte[]> r = bytes("recordings/front/" + MP4, Map.of("Range", "bytes=100-1099"));
        assertEquals(206, r.statusCode());
        assertEquals("bytes 100-1099/" + file.length, r.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(file, 100, 1100), r.body());

        HttpResponse<byte[]> tail = bytes("recordings/front/" + MP4, Map.of("Range", "bytes=-10"));
        assertEquals(206, tail.statusCode());
        assertArrayEquals(Arrays.copyOfRange(file, file.length - 10, file.length), tail.body());

        // Larger than one chunk of the sender, from an odd place to the end.
        HttpResponse<byte[]> open = bytes("recordings/front/" + MP4, Map.of("Range", "bytes=7-"));
        assertEquals(206, open.statusCode());
        assertArrayEquals(Arrays.copyOfRange(file, 7, file.length), open.body());
    }

    @Test
    void aRangePastTheEndIs416AndAStaleIfRangeGetsTheWholeFile() throws Exception {
        byte[] file = Files.readAllBytes(DIR.resolve("front").resolve(MP4));
        HttpResponse<byte[]> r = bytes("recordings/front/" + MP4, Map.of("Range", "bytes=" + file.length + "-"));
        assertEquals(416, r.statusCode());
        assertEquals("bytes */" + file.length, r.headers().firstValue("Content-Range").orElse(""));

        String etag = bytes("recordings/front/" + MP4, Map.of()).headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> same = bytes("recordings/front/" + MP4, Map.of("Range", "bytes=0-9", "If-Range", etag));
        assertEquals(206, same.statusCode());
        HttpResponse<byte[]> stale = bytes("recordings/front/" + MP4, Map.of("Range", "bytes=0-9", "If-Range", "\"old\""));
        assertEquals(200, stale.statusCode());
        assertArrayEquals(file, stale.body());
    }

    @Test
    void aThumbnailIsServedAsAJpeg() throws Exception {
        String jpg = RecordingFiles.base(AVI_START, "manual") + ".jpg";
        HttpResponse<byte[]> r = bytes("recordings/front/" + jpg, Map.of());
        assertEquals(200, r.statusCode());
        assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(aviPictures.get(0), r.body());
    }

    @Test
    void namesNotListedAndTraversalsAreRefusedWithoutReadingAnythingOutside() throws Exception {
        List<String> paths = List.of(
                "recordings/front/secret.txt",
                "recordings/front/20261207-180000-motion.txt",
                "recordings/front/20261207-180000-motion.json",
                "recordings/front/20991231-000000-motion.mp4",
                "recordings/front/..%2Fsecret.txt",
                "recordings/front/%2E%2E%2Fsecret.txt",
                "recordings/front/..%5Csecret.txt",
                "recordings/front%2F..%2Fsecret.txt",
                "recordings/front/%2Ftmp%2Fsecret.txt",
                "recordings/front/" + DIR.resolve("secret.txt").toString().replace("/", "%2F"),
                "recordings/front/front/" + MP4,
                "recordings/front/..;/secret.txt",
                "recordings/locked/..%2Ffront%2F" + MP4);
        for (String path : paths) {
            Raw r = raw(path);
            assertTrue(r.status == 404 || r.status == 400, path + ": " + r.status + " " + r.text);
            assertFalse(r.text.contains(SECRET), path);
            assertFalse(r.text.contains("ftyp"), path);
            System.out.println(path + " -> " + r.status + " " + r.text.substring(r.text.lastIndexOf("\r\n\r\n") + 4).strip());
        }
        assertEquals(404, get("recordings/front/20991231-000000-motion.mp4", Map.of()).statusCode());
        assertEquals("no such recording: front/20991231-000000-motion.mp4",
                get("recordings/front/20991231-000000-motion.mp4", Map.of()).body().strip());
        // While a camera has a token, an unknown one is answered as a protected one: ids cannot be probed.
        assertEquals(403, get("recordings/nobody/" + MP4, Map.of()).statusCode());
    }

    @Test
    void aProtectedCamerasRecordingsNeedItsToken() throws Exception {
        String avi = "recordings/locked/" + AVI;
        assertEquals(403, get("recordings/locked", Map.of()).statusCode());
        assertEquals(403, bytes(avi, Map.of()).statusCode());
        assertEquals(403, bytes(avi + "?play", Map.of()).statusCode());
        assertEquals(200, get("recordings/locked?token=" + TOKEN, Map.of()).statusCode());
        assertEquals(200, bytes(avi + "?token=" + TOKEN, Map.of()).statusCode());
    }

    @Test
    void anAviPlaysAsMultipartOnePartPerPictureFromTheSecondAskedForAtItsRate() throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> all = bytes("recordings/front/" + AVI + "?play", Map.of());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, all.statusCode());
        assertEquals("multipart/x-mixed-replace;boundary=camstreamframe", all.headers().firstValue("Content-Type").orElse(""));
        assertPictures(aviPictures, all.body(), "the 12 pictures in order");
        // 12 pictures at 12.5 a second: about 0.9 s, not at once.
        assertTrue(millis >= 800, "played in " + millis + " ms");

        HttpResponse<byte[]> from = bytes("recordings/front/" + AVI + "?play&at=0.4", Map.of());
        assertPictures(aviPictures.subList(5, 12), from.body(), "from 0.4 s");

        HttpResponse<byte[]> past = bytes("recordings/front/" + AVI + "?play&at=100", Map.of());
        assertPictures(aviPictures.subList(11, 12), past.body(), "past the end: the last picture only");
    }

    @Test
    void aPictureOfAnAviAtASecondIsThatPictureAsStored() throws Exception {
        HttpResponse<byte[]> r = bytes("recordings/front/" + AVI + "?picture&at=0.64", Map.of());
        assertEquals(200, r.statusCode());
        assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(aviPictures.get(8), r.body());
        assertArrayEquals(aviPictures.get(11), bytes("recordings/front/" + AVI + "?picture&at=60", Map.of()).body());
        assertEquals(400, get("recordings/front/" + AVI + "?picture&at=soon", Map.of()).statusCode());
        assertEquals(400, get("recordings/front/" + MP4 + "?play", Map.of()).statusCode());
    }

    @Test
    void aSlowClientGetsTheWholeFileWhileOthersAreServedMeanwhile() throws Exception {
        byte[] file = Files.readAllBytes(DIR.resolve("front").resolve(BIG_FILE));
        try (Socket s = rawRequest("recordings/front/" + BIG_FILE)) {
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(4096);
            assertTrue(new String(head, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
            Thread.sleep(1000); // the client takes nothing for a second: its buffers fill, the server waits for it
            for (int i = 0; i < 3; i++) {
                assertEquals(200, get("recordings/front", Map.of()).statusCode());
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(head);
            in.transferTo(all);
            byte[] got = all.toByteArray();
            String text = new String(got, 0, 1024, StandardCharsets.ISO_8859_1);
            int body = text.indexOf("\r\n\r\n") + 4;
            assertArrayEquals(file, Arrays.copyOfRange(got, body, got.length));
        }
    }

    @Test
    void aDownloadWhoseClientTakesNothingIsEndedAfterTheStallTimeout() throws Exception {
        try (Socket s = rawRequest("recordings/front/" + BIG_FILE)) {
            Thread.sleep(5000); // the client takes nothing for longer than camstream.stallTimeout (2 s) and a tick
            long start = System.nanoTime();
            long got = 0;
            try {
                got = s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (java.net.SocketException e) {
                // reset: ended as well
            }
            assertTrue(got < BIG, "the whole file came: " + got);
            assertTrue(System.nanoTime() - start < 8_000_000_000L, "the connection stayed open");
        }
    }

    @Test
    void deletingNeedsControlAndRemovesTheRecordingWithItsThumbnailAndSidecar() throws Exception {
        Instant start = Instant.parse("2026-12-07T17:00:00Z");
        RecordingFiles.avi(DIR, "locked", start, "continuous", 3, 12.5);
        String base = RecordingFiles.base(start, "continuous");
        String path = "recordings/locked/" + base + ".avi";

        HttpResponse<String> anyone = delete(path, Map.of());
        assertEquals(403, anyone.statusCode());
        assertTrue(anyone.body().startsWith("changing recordings needs"), anyone.body());
        // The camera's token lets one watch, not delete.
        assertEquals(403, delete(path + "?token=" + TOKEN, Map.of()).statusCode());
        assertEquals(403, delete(path, Map.of("Authorization", "Bearer wrong")).statusCode());
        assertTrue(Files.exists(DIR.resolve("locked").resolve(base + ".avi")));

        Map<String, String> control = Map.of("Authorization", "Bearer " + CONTROL);
        int traversal = delete("recordings/locked/..%2F..%2Fsecret.txt", control).statusCode();
        assertTrue(traversal == 404 || traversal == 400, "a traversal: " + traversal);
        assertTrue(Files.exists(DIR.resolve("secret.txt")));
        HttpResponse<String> done = delete(path, control);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals("deleted locked/" + base + ".avi", done.body().strip());
        for (String ext : List.of(".avi", ".jpg", ".json")) {
            assertFalse(Files.exists(DIR.resolve("locked").resolve(base + ext)), ext);
        }
        assertFalse(get("recordings/locked?token=" + TOKEN, Map.of()).body().contains(base));
        assertEquals(404, delete(path, control).statusCode());
    }

    @Test
    void aRecordingBeingWrittenIsNotDeleted() throws Exception {
        Map<String, String> control = Map.of("Authorization", "Bearer " + CONTROL);
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(server.uri("record/busy?action=start"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + CONTROL).build(),
                HttpResponse.BodyHandlers.ofString());
        // Without the recorder nothing answers POST /record (the container's 404 or 405): nothing is ever live then.
        Assumptions.assumeTrue(started.statusCode() != 404 && started.statusCode() != 405,
                "no recorder here: POST /record answered " + started.statusCode());
        assertEquals(200, started.statusCode(), started.body());
        try {
            String[] live = new String[1];
            Await.until(Duration.ofSeconds(10), "a live recording listed", () -> {
                JsonArray list = new Gson().fromJson(get("recordings/busy", Map.of()).body(), JsonArray.class);
                for (int i = 0; i < list.size(); i++) {
                    JsonObject r = list.get(i).getAsJsonObject();
                    if (r.get("live").getAsBoolean()) {
                        live[0] = r.get("url").getAsString();
                        return true;
                    }
                }
                return false;
            });
            HttpResponse<String> refused = delete(live[0], control);
            assertEquals(409, refused.statusCode(), refused.body());
            assertTrue(refused.body().startsWith("not deleted: "), refused.body());
            // Served up to what is written now.
            HttpResponse<byte[]> partial = bytes(live[0], Map.of());
            assertEquals(200, partial.statusCode());
            assertEquals(partial.headers().firstValueAsLong("Content-Length").orElse(-1), partial.body().length);
        } finally {
            http.send(HttpRequest.newBuilder(server.uri("record/busy?action=stop"))
                    .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + CONTROL).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    /** The JPEGs of a multipart body, in order. */
    private static List<byte[]> jpegs(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while ((at = text.indexOf("Content-Length: ", at)) >= 0) {
            int eol = text.indexOf("\r\n", at);
            int length = Integer.parseInt(text.substring(at + 16, eol));
            int data = text.indexOf("\r\n\r\n", eol) + 4;
            out.add(Arrays.copyOfRange(body, data, data + length));
            at = data + length;
        }
        return out;
    }

    private static void assertPictures(List<byte[]> expected, byte[] body, String what) {
        List<byte[]> got = jpegs(body);
        assertEquals(expected.size(), got.size(), what + ": pictures");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), what + ": picture " + i);
        }
    }

    private static HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        return http.send(request(path, headers), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> delete(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20)).DELETE();
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> bytes(String path, Map<String, String> headers) throws Exception {
        return http.send(request(path, headers), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest request(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20));
        headers.forEach(b::header);
        return b.build();
    }

    private record Raw(int status, String text) {
    }

    /** A socket that sent a GET of {@code path} and reads slowly: a small receive buffer. */
    private static Socket rawRequest(String path) throws IOException {
        URI base = server.uri("");
        Socket s = new Socket();
        s.setReceiveBufferSize(8192);
        s.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
        s.setSoTimeout(20_000);
        s.getOutputStream().write(("GET " + base.getPath() + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":"
                + base.getPort() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return s;
    }

    /** A GET of exactly this request target (nothing normalised or encoded on the way), answered in full. */
    private static Raw raw(String path) throws IOException {
        URI base = server.uri("");
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + base.getPath() + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            return new Raw(Integer.parseInt(text.substring(9, 12)), text);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("camstream-recordings");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
