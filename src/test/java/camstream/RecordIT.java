package camstream;

import camstream.it.support.Await;
import camstream.support.EmbeddedCamstream;
import camstream.support.Metrics;
import camstream.support.Recordings;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recordings of the test pattern on embedded Jetty, read back with ffprobe: continuous H.264 and MJPEG
 * files cut at their length, a recording on request over HTTP, motion with its pre- and post-roll, and
 * retention by size.
 */
class RecordIT {

    private static final String CONTROL = "record-c0ntrol-4711";
    private static final int FILE_SECONDS = 5;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path dir;
    private static Path notADirectory;
    private static EmbeddedCamstream server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("camstream-recordings");
        notADirectory = Files.writeString(dir.resolve("not-a-directory"), "a file");
        server = EmbeddedCamstream.start(Map.ofEntries(
                Map.entry("camstream.cameras", "h264,mjpeg,manual,motion,kept,bad"),
                Map.entry("camstream.camera.bad.recordings", notADirectory.toString()),
                Map.entry("camstream.width", "320"), Map.entry("camstream.height", "240"), Map.entry("camstream.fps", "10"),
                Map.entry("camstream.recordings", dir.toString()),
                Map.entry("camstream.record.fileSeconds", String.valueOf(FILE_SECONDS)),
                Map.entry("camstream.controlToken", CONTROL),
                Map.entry("camstream.camera.h264.record", "continuous"),
                Map.entry("camstream.camera.mjpeg.record", "continuous"),
                Map.entry("camstream.camera.mjpeg.record.format", "avi"),
                Map.entry("camstream.camera.motion.record", "motion"),
                Map.entry("camstream.camera.motion.record.preRoll", "2"),
                Map.entry("camstream.camera.motion.record.postRoll", "2"),
                Map.entry("camstream.camera.motion.record.fileSeconds", "60"),
                Map.entry("camstream.camera.kept.record", "continuous"),
                Map.entry("camstream.camera.kept.record.format", "avi"),
                Map.entry("camstream.camera.kept.record.keepSize", "1M")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static List<JsonObject> recordings(String camera) throws Exception {
        return Recordings.list(server.uri("status"), camera);
    }

    private static List<JsonObject> closed(String camera) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        for (JsonObject r : recordings(camera)) {
            if (!r.get("live").getAsBoolean()) {
                out.add(r);
            }
        }
        return out;
    }

    private static Path file(JsonObject r) {
        String url = r.get("url").getAsString();
        return dir.resolve(url.substring("recordings/".length()));
    }

    @Test
    void continuousH264IsCutIntoMp4FilesOfTheSetLengthThatFfprobeReads() throws Exception {
        Await.until(Duration.ofSeconds(40), "two closed H.264 recordings", () -> closed("h264").size() >= 2);
        for (JsonObject r : closed("h264")) {
            assertEquals("mp4", r.get("format").getAsString());
            assertEquals("continuous", r.get("kind").getAsString());
            Recordings.Probe p = Recordings.probe(file(r));
            assertEquals("h264", p.codec(), p.output());
            assertEquals(FILE_SECONDS, p.seconds(), 1.0, p.output());
            assertEquals(FILE_SECONDS, r.get("seconds").getAsDouble(), 1.0, r.toString());
            assertTrue(Files.size(dir.resolve("h264").resolve(file(r).getFileName().toString().replace(".mp4", ".jpg"))) > 0);
        }
        JsonObject state = Recordings.status(server.uri("status"), "h264").getAsJsonObject("recording");
        assertEquals("continuous", state.get("mode").getAsString());
        assertTrue(state.get("active").getAsBoolean());
        assertTrue(state.get("problem").isJsonNull(), state.toString());
        assertTrue(recordings("h264").get(0).get("live").getAsBoolean(), "the newest is being written");
        Metrics metrics = new Metrics(server);
        assertTrue(metrics.get("camstream_recording_bytes_total", "h264") > 100_000);
        assertEquals(1, metrics.get("camstream_recordings_active", "h264"));
        assertEquals(0, metrics.get("camstream_recording_errors_total", "h264"));
        assertEquals(0, metrics.get("camstream_recordings_active", "bad"));
    }

    @Test
    void withoutH264TheJpegPicturesGoIntoAviFilesOfTheSetLength() throws Exception {
        Await.until(Duration.ofSeconds(40), "two closed MJPEG recordings", () -> closed("mjpeg").size() >= 2);
        for (JsonObject r : closed("mjpeg")) {
            assertEquals("avi", r.get("format").getAsString());
            Recordings.Probe p = Recordings.probe(file(r));
            assertEquals("mjpeg", p.codec(), p.output());
            assertEquals(FILE_SECONDS, p.seconds(), 1.0, p.output());
            assertTrue(p.frames() >= FILE_SECONDS * 10 * 0.7, p.output());
        }
    }

    private static HttpResponse<String> post(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRecordingOnRequestNeedsControlAndLastsAsAsked() throws Exception {
        HttpResponse<String> refused = post("record/manual?action=start&seconds=3", null);
        assertTrue(refused.statusCode() == 401 || refused.statusCode() == 403, refused.statusCode() + " " + refused.body());
        assertEquals(400, post("record/manual?action=jump", CONTROL).statusCode());
        assertEquals(400, post("record/manual?action=start&seconds=many", CONTROL).statusCode());
        assertEquals(404, post("record/nosuch?action=start", CONTROL).statusCode());
        assertEquals(List.of(), recordings("manual"), "nothing recorded without a request that may");

        HttpResponse<String> started = post("record/manual?action=start&seconds=3", CONTROL);
        assertEquals(200, started.statusCode(), started.body());
        Await.until(Duration.ofSeconds(20), "a closed manual recording", () -> closed("manual").size() == 1);
        JsonObject r = closed("manual").get(0);
        assertEquals("manual", r.get("kind").getAsString());
        Recordings.Probe p = Recordings.probe(file(r));
        assertEquals(3, p.seconds(), 1.0, p.output());

        assertEquals(200, post("record/manual?action=start", CONTROL).statusCode());
        Await.until(Duration.ofSeconds(20), "a live manual recording", () -> recordings("manual").stream()
                .anyMatch(x -> x.get("live").getAsBoolean()));
        HttpResponse<String> stopped = post("record/manual?action=stop", CONTROL);
        assertEquals(200, stopped.statusCode());
        assertTrue(stopped.body().startsWith("stopped"), stopped.body());
        Await.until(Duration.ofSeconds(10), "the second one closed", () -> closed("manual").size() == 2);
        assertEquals(409, post("record/h264?action=start", CONTROL).statusCode(), "a continuous camera records already");
    }

    /** Calls the camera's recorder as its motion detector would (the webapp's classes: by reflection). */
    private static void motion(String camera, String method) throws Exception {
        Object app = server.attribute("camstream.Camstream");
        Object recordings = app.getClass().getMethod("recordings").invoke(app);
        Object recorder = recordings.getClass().getMethod("recorder", String.class).invoke(recordings, camera);
        for (var m : recorder.getClass().getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == 1) {
                // A MotionEvent of the webapp's class loader: motion that began now.
                Object event = m.getParameterTypes()[0].getConstructors()[0].newInstance(camera, 1L, Instant.now(),
                        method.equals("motionEnded") ? Instant.now() : null, 0.1, null);
                m.invoke(recorder, event);
                return;
            }
        }
        throw new AssertionError("no " + method);
    }

    private static void awaitClock(Instant when) {
        Await.until(Duration.ofSeconds(30), "the clock at " + when, () -> !Instant.now().isBefore(when));
    }

    @Test
    void motionRecordsFromThePreRollToThePostRollAndMotionWithinThePostRollExtendsTheFile() throws Exception {
        Await.until(Duration.ofSeconds(30), "the camera live for 4 s", () -> {
            JsonObject s = Recordings.status(server.uri("status"), "motion");
            return s.get("state").getAsString().equals("live")
                    && Instant.parse(s.get("since").getAsString()).isBefore(Instant.now().minusSeconds(4));
        });
        assertEquals(List.of(), recordings("motion"), "no motion, no recording");
        Instant started = Instant.now();
        motion("motion", "motionStarted");
        Await.until(Duration.ofSeconds(10), "a live motion recording", () -> recordings("motion").size() == 1);
        awaitClock(started.plusSeconds(2));
        motion("motion", "motionEnded");
        awaitClock(started.plusSeconds(3));
        motion("motion", "motionStarted"); // within the post-roll: the same file goes on
        awaitClock(started.plusSeconds(4));
        Instant ended = Instant.now();
        motion("motion", "motionEnded");
        Await.until(Duration.ofSeconds(15), "the motion recording closed", () -> closed("motion").size() == 1);
        Instant closedAt = Instant.now();
        assertEquals(1, recordings("motion").size(), "one file: the second motion came within the post-roll");
        JsonObject r = closed("motion").get(0);
        assertEquals("motion", r.get("kind").getAsString());
        Instant start = Instant.parse(r.get("start").getAsString());
        assertFalse(start.isAfter(started.minusMillis(1800)), "pre-roll of 2 s: first picture at " + start + ", motion at " + started);
        assertTrue(start.isAfter(started.minusMillis(4500)), "whole groups, not more: " + start + " for motion at " + started);
        assertFalse(closedAt.isBefore(ended.plusMillis(1500)), "post-roll of 2 s: closed at " + closedAt + ", motion ended " + ended);
        double expected = Duration.between(start, ended).toMillis() / 1000.0 + 2;
        Recordings.Probe p = Recordings.probe(file(r));
        assertEquals(expected, p.seconds(), 1.0, p.output());
        assertEquals(expected, r.get("seconds").getAsDouble(), 1.0, r.toString());
    }

    @Test
    void retentionBySizeDeletesTheOldestFirstAndNeverTheLiveFile() throws Exception {
        TreeSet<String> seen = new TreeSet<>();
        List<String> gone = new ArrayList<>();
        Await.until(Duration.ofSeconds(60), "two recordings deleted by retention", () -> {
            List<JsonObject> now = recordings("kept");
            TreeSet<String> present = new TreeSet<>();
            for (JsonObject r : now) {
                present.add(r.get("url").getAsString());
            }
            seen.addAll(present);
            for (String s : seen) {
                if (!present.contains(s) && !gone.contains(s)) {
                    gone.add(s);
                }
            }
            for (String g : gone) {
                assertTrue(present.isEmpty() || g.compareTo(present.first()) < 0, g + " deleted before the older " + present);
            }
            return gone.size() >= 2;
        });
        assertEquals(gone.stream().sorted().toList(), gone, "deleted in the order they were made");
        Await.until(Duration.ofSeconds(10), "the closed recordings within keepSize", () -> closed("kept").stream()
                .mapToLong(r -> r.get("bytes").getAsLong()).sum() <= (1 << 20));
    }

    @Test
    void aDirectoryThatCannotBeMadeIsNamedWithItsSettingInTheStatus() throws Exception {
        Await.until(Duration.ofSeconds(10), "the problem in /status", () -> !Recordings.status(server.uri("status"), "bad")
                .getAsJsonObject("recording").get("problem").isJsonNull());
        String problem = Recordings.status(server.uri("status"), "bad").getAsJsonObject("recording").get("problem").getAsString();
        assertTrue(problem.startsWith("setting camstream.camera.bad.recordings='" + notADirectory + "'"), problem);
        assertTrue(problem.contains("cannot be created"), problem);
        HttpResponse<String> start = post("record/bad?action=start&seconds=5", CONTROL);
        assertEquals(200, start.statusCode());
        assertTrue(start.body().contains("once it can: " + problem), start.body());
        assertEquals(200, post("record/bad?action=stop", CONTROL).statusCode());
    }
}
