package camstream;

import camstream.it.support.Tools;
import camstream.support.EmbeddedCamstream;
import com.google.gson.JsonElement;
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
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Time-lapses over HTTP and on a schedule, written by a real camstream into a real directory and read
 * back with ffprobe: while they grow and once they are closed.
 */
class TimeLapseIT {

    private static final String TOKEN = "lapse-control-4711";
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    private static final HttpClient http = HttpClient.newHttpClient();
    private static Path recordings;
    private static Path work;
    private static EmbeddedCamstream server;

    @BeforeAll
    static void start() throws Exception {
        recordings = Files.createTempDirectory("camstream-timelapse");
        work = Files.createTempDirectory("camstream-timelapse-probe");
        LocalTime now = LocalTime.now();
        server = EmbeddedCamstream.start(Map.of(
                "camstream.cameras", "lapse,busy,scheduled,later,mp4",
                "camstream.width", "160", "camstream.height", "120", "camstream.fps", "10",
                "camstream.recordings", recordings.toString(),
                "camstream.controlToken", TOKEN,
                "camstream.timelapse.interval", "1",
                // The server runs in this JVM, so its local time is this one.
                "camstream.camera.scheduled.timelapse.schedule", HH_MM.format(now.minusHours(1)) + "-" + HH_MM.format(now.plusHours(1)),
                "camstream.camera.later.timelapse.schedule", HH_MM.format(now.plusHours(2)) + "-" + HH_MM.format(now.plusHours(3))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aTimeLapseStartedOverHttpHasOnePictureASecondAndPlaysAt25FramesASecondOnceStopped() throws Exception {
        HttpResponse<String> started = control("lapse", "action=start&interval=1", TOKEN);
        assertEquals(200, started.statusCode(), started.body());
        JsonObject state = JsonParser.parseString(started.body()).getAsJsonObject();
        assertTrue(state.get("active").getAsBoolean());
        assertEquals(1, state.get("interval").getAsInt());

        JsonObject running = awaitTimeLapse("lapse", t -> t.get("pictures").getAsInt() >= 3);
        String url = running.get("file").getAsString();
        assertTrue(url.matches("recordings/lapse/[0-9]{8}-[0-9]{6}-timelapse\\.avi"), url);

        HttpResponse<String> stopped = control("lapse", "action=stop", TOKEN);
        assertEquals(200, stopped.statusCode(), stopped.body());
        assertFalse(JsonParser.parseString(stopped.body()).getAsJsonObject().get("active").getAsBoolean());

        Path avi = recordings.resolve(url.substring("recordings/".length()));
        String base = avi.getFileName().toString().replace(".avi", "");
        Path sidecar = avi.resolveSibling(base + ".json");
        awaitFile(sidecar);
        JsonObject side = JsonParser.parseString(Files.readString(sidecar)).getAsJsonObject();
        assertEquals("timelapse", side.get("kind").getAsString());
        assertEquals("avi", side.get("format").getAsString());
        int pictures = side.get("pictures").getAsInt();
        assertTrue(pictures >= 3, "pictures: " + pictures);
        assertEquals(pictures / 25.0, side.get("seconds").getAsDouble(), 0.01);

        Map<String, String> probe = ffprobe(avi);
        assertEquals("mjpeg", probe.get("codec_name"));
        assertEquals("25/1", probe.get("r_frame_rate"));
        assertEquals(Integer.toString(pictures), probe.get("nb_read_frames"));
        assertEquals("160", probe.get("width"));

        byte[] thumbnail = Files.readAllBytes(avi.resolveSibling(base + ".jpg"));
        assertEquals(0xFF, thumbnail[0] & 0xFF);
        assertEquals(0xD8, thumbnail[1] & 0xFF);
        assertEquals(pictures, timeLapse("lapse").get("pictures").getAsInt());
    }

    @Test
    void whereH264IsThereTheTimeLapseIsAlsoAnMp4OfTheSamePicturesAtTheSameRate() throws Exception {
        assumeTrue(openH264(), "OpenH264 is not installed here");
        assertEquals(200, control("mp4", "action=start&interval=1", TOKEN).statusCode());
        JsonObject running = awaitTimeLapse("mp4", t -> t.get("pictures").getAsInt() >= 3);
        String url = running.get("mp4").getAsString();
        assertTrue(url.matches("recordings/mp4/[0-9]{8}-[0-9]{6}-timelapse\\.mp4"), url);
        assertEquals(200, control("mp4", "action=stop", TOKEN).statusCode());

        Path mp4 = recordings.resolve(url.substring("recordings/".length()));
        Path sidecar = mp4.resolveSibling(mp4.getFileName().toString().replace(".mp4", ".json"));
        awaitFile(sidecar);
        JsonObject side = JsonParser.parseString(Files.readString(sidecar)).getAsJsonObject();
        assertEquals("mp4", side.get("format").getAsString());
        int pictures = timeLapse("mp4").get("pictures").getAsInt();
        assertEquals(pictures, side.get("pictures").getAsInt());
        Map<String, String> probe = ffprobe(mp4);
        assertEquals("h264", probe.get("codec_name"));
        assertEquals("25/1", probe.get("r_frame_rate"));
        assertEquals(Integer.toString(pictures), probe.get("nb_read_frames"));
        assertTrue(Files.exists(mp4.resolveSibling(mp4.getFileName().toString().replace(".mp4", ".jpg"))));
    }

    @Test
    void aScheduleThatCoversNowStartsTheTimeLapseWhenTheServerStarts() throws Exception {
        JsonObject t = awaitTimeLapse("scheduled", s -> s.get("pictures").getAsInt() >= 1);
        assertTrue(t.get("active").getAsBoolean());
        assertTrue(t.get("schedule").getAsString().matches("[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}"));
    }

    @Test
    void aScheduleThatDoesNotCoverNowStartsNothing() throws Exception {
        JsonObject t = timeLapse("later");
        assertFalse(t.get("active").getAsBoolean());
        assertEquals(0, t.get("pictures").getAsInt());
        assertTrue(t.get("file").isJsonNull());
        assertFalse(Files.exists(recordings.resolve("later")) && Files.list(recordings.resolve("later")).findAny().isPresent());
    }

    @Test
    void theVideoIsReadableByFfprobeWhileItIsBeingWritten() throws Exception {
        JsonObject t = awaitTimeLapse("scheduled", s -> s.get("pictures").getAsInt() >= 2);
        Path avi = recordings.resolve(t.get("file").getAsString().substring("recordings/".length()));
        assertFalse(Files.exists(avi.resolveSibling(avi.getFileName().toString().replace(".avi", ".json"))));
        Map<String, String> probe = ffprobe(avi);
        assertEquals("mjpeg", probe.get("codec_name"));
        assertTrue(Integer.parseInt(probe.get("nb_read_frames")) >= 2, probe.toString());
        assertTrue(timeLapse("scheduled").get("active").getAsBoolean());
    }

    @Test
    void startingWithoutControlPermissionIsRefusedAndStartsNothing() throws Exception {
        HttpResponse<String> none = control("busy", "action=start", null);
        assertEquals(403, none.statusCode(), none.body());
        HttpResponse<String> wrong = control("busy", "action=start", "not-" + TOKEN);
        assertEquals(403, wrong.statusCode(), wrong.body());
        assertFalse(timeLapse("busy").get("active").getAsBoolean());
    }

    @Test
    void aPageOfAnotherSiteCannotStartATimeLapseEvenWithTheToken() throws Exception {
        HttpRequest post = HttpRequest.newBuilder(server.uri("timelapse/busy?action=start"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + TOKEN)
                .header("Origin", "http://evil.example").build();
        HttpResponse<String> r = http.send(post, HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode(), r.body());
        assertFalse(timeLapse("busy").get("active").getAsBoolean());
    }

    @Test
    void aBadIntervalOrActionIsAnsweredWith400AndALine() throws Exception {
        for (String query : List.of("action=start&interval=0", "action=start&interval=abc", "action=start&interval=86401")) {
            HttpResponse<String> r = control("busy", query, TOKEN);
            assertEquals(400, r.statusCode(), query);
            assertTrue(r.body().startsWith("interval=") && r.body().contains("1 to 86400"), r.body());
        }
        HttpResponse<String> r = control("busy", "action=pause", TOKEN);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("action=start"), r.body());
        assertFalse(timeLapse("busy").get("active").getAsBoolean());
    }

    @Test
    void startingTwiceOrStoppingWhatDoesNotRunIsAConflict() throws Exception {
        assertEquals(409, control("busy", "action=stop", TOKEN).statusCode());
        assertEquals(200, control("busy", "action=start&interval=60", TOKEN).statusCode());
        try {
            HttpResponse<String> again = control("busy", "action=start", TOKEN);
            assertEquals(409, again.statusCode());
            assertTrue(again.body().contains("running already"), again.body());
            assertEquals(60, timeLapse("busy").get("interval").getAsInt());
        } finally {
            assertEquals(200, control("busy", "action=stop", TOKEN).statusCode());
        }
        assertEquals(409, control("busy", "action=stop", TOKEN).statusCode());
    }

    @Test
    void getAnswersTheStateToAnyoneWhoMayWatch() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("timelapse/later")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject t = JsonParser.parseString(r.body()).getAsJsonObject();
        assertFalse(t.get("active").getAsBoolean());
        assertEquals(1, t.get("interval").getAsInt());
        assertEquals(0, t.get("skipped").getAsInt());
    }

    @Test
    void anUnknownCameraIsNotFound() throws Exception {
        HttpResponse<String> r = control("nope", "action=start", TOKEN);
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("unknown camera"), r.body());
    }

    @Test
    void stoppingTheServerClosesARunningTimeLapseWholeAndJoinsItsThread() throws Exception {
        Path dir = Files.createTempDirectory("camstream-timelapse-stop");
        Path avi;
        try (EmbeddedCamstream other = EmbeddedCamstream.start(Map.of("camstream.cameras", "night",
                "camstream.width", "160", "camstream.height", "120", "camstream.recordings", dir.toString(),
                "camstream.timelapse.interval", "1", "camstream.timelapse.schedule", "00:00-23:59,23:59-00:00"))) {
            JsonObject t = awaitTimeLapse(other, "night", s -> s.get("pictures").getAsInt() >= 2);
            avi = dir.resolve(t.get("file").getAsString().substring("recordings/".length()));
            long threads = timeLapseThreads();
            other.stopWebapp();
            // The other server of this class keeps its own.
            assertEquals(threads - 1, timeLapseThreads(), "the stopped webapp's time-lapse thread is joined");
        }
        Path sidecar = avi.resolveSibling(avi.getFileName().toString().replace(".avi", ".json"));
        assertTrue(Files.exists(sidecar), "the sidecar is written before the webapp has stopped");
        int pictures = JsonParser.parseString(Files.readString(sidecar)).getAsJsonObject().get("pictures").getAsInt();
        assertTrue(pictures >= 2, "pictures: " + pictures);
        assertEquals(Integer.toString(pictures), ffprobe(avi).get("nb_read_frames"));
    }

    // ---- helpers ----

    private static boolean openH264() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("status")).build(), HttpResponse.BodyHandlers.ofString());
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("nativeLibraries").get("openh264")
                .getAsString().equals("loaded");
    }

    private static long timeLapseThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().equals("camstream-timelapse")).count();
    }

    private static HttpResponse<String> control(String camera, String query, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("timelapse/" + camera + "?" + query))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject timeLapse(String camera) throws IOException, InterruptedException {
        return timeLapse(server, camera);
    }

    private static JsonObject timeLapse(EmbeddedCamstream server, String camera) throws IOException, InterruptedException {
        URI uri = server.uri("status?camera=" + camera);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonElement cam = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("cameras").get(0);
        return cam.getAsJsonObject().getAsJsonObject("timelapse");
    }

    private static JsonObject awaitTimeLapse(String camera, Predicate<JsonObject> condition) throws Exception {
        return awaitTimeLapse(server, camera, condition);
    }

    private static JsonObject awaitTimeLapse(EmbeddedCamstream server, String camera, Predicate<JsonObject> condition)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonObject t;
        while (!condition.test(t = timeLapse(server, camera))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("time-lapse of " + camera + " is still " + t);
            }
            Thread.sleep(100);
        }
        return t;
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(file + " was not written");
            }
            Thread.sleep(50);
        }
    }

    /** The first video stream of {@code file} as ffprobe reads it, its pictures counted one by one. */
    private static Map<String, String> ffprobe(Path file) throws IOException, InterruptedException {
        Path ffprobe = Tools.require("/usr/bin/ffprobe");
        Tools.Result r = Tools.run(60, work, List.of(ffprobe.toString(), "-v", "error", "-count_frames",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,r_frame_rate,nb_read_frames",
                "-of", "default=noprint_wrappers=1", file.toString()));
        assertEquals(0, r.exitCode(), r.output());
        Map<String, String> values = new java.util.HashMap<>();
        for (String line : r.output().strip().lines().toList()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }
}
