package camstream;

import camstream.it.support.Await;
import camstream.support.EmbeddedCamstream;
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
    private static EmbeddedCamstream server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("camstream-recordings");
        server = EmbeddedCamstream.start(Map.ofEntries(
                Map.entry("camstream.cameras", "h264,mjpeg,manual,motion,kept"),
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
                Map.entry("camstream.camera.kept.record", "continuous"),
                Map.entry("camstream.camera.kept.record.format", "avi"),
                Map.entry("camstream.camera.kept.record.keepSize", "300K")));
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
}
