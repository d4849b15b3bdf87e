package camstream;

import camstream.it.support.Await;
import camstream.it.support.Tools;
import camstream.support.EmbeddedCamstream;
import camstream.support.LogCapture;
import camstream.support.MjpegStream;
import camstream.support.Recordings;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full disk (a 2 MB tmpfs, mounted here: the build runs as root) stops recording with a clear
 * status and one log line, never the live stream, and recording resumes by itself once there is room.
 */
class RecordDiskFullIT {

    @Test
    void aFullDiskStopsRecordingButNotTheLiveStreamAndRecordingResumesWhenThereIsRoom() throws Exception {
        Path dir = Files.createTempDirectory("camstream-full");
        mount(dir);
        try (LogCapture log = new LogCapture();
             EmbeddedCamstream server = EmbeddedCamstream.start(Map.of(
                     "camstream.cameras", "cam",
                     "camstream.width", "320", "camstream.height", "240", "camstream.fps", "10",
                     "camstream.recordings", dir.toString(),
                     "camstream.camera.cam.record", "continuous",
                     "camstream.camera.cam.record.format", "avi",
                     "camstream.camera.cam.record.fileSeconds", "60"))) {
            Await.until(Duration.ofSeconds(30), "a live recording", () -> !Recordings.list(server.uri("status"), "cam").isEmpty());
            Path filler = dir.resolve("filler");
            fill(filler);
            Await.until(Duration.ofSeconds(20), "the disk-full problem in /status", () -> problem(server) != null);
            Instant full = Instant.now();
            String problem = problem(server);
            assertTrue(problem.contains("full"), problem);
            assertEquals(false, recording(server).get("active").getAsBoolean());

            try (MjpegStream live = MjpegStream.open(server.uri("stream/cam"))) {
                long first = live.next().timestampMicros();
                long last = first;
                for (int i = 0; i < 20; i++) {
                    last = live.next().timestampMicros();
                }
                assertTrue(last - first >= 1_000_000, "live pictures go on while the disk is full: " + (last - first) + " µs");
            }
            // Still full after a few checks: said once only.
            Await.until(Duration.ofSeconds(30), "two more checks of the folder", () -> Instant.now().isAfter(full.plusSeconds(11))
                    && problem(server) != null);
            assertEquals(1, log.warnings().stream().filter(w -> w.contains("recording stopped")).count(), log.warnings().toString());

            Files.delete(filler);
            Await.until(Duration.ofSeconds(20), "recording again", () -> problem(server) == null
                    && recording(server).get("active").getAsBoolean());
            List<JsonObject> all = Recordings.list(server.uri("status"), "cam");
            JsonObject newest = all.get(0);
            assertTrue(newest.get("live").getAsBoolean());
            assertTrue(Instant.parse(newest.get("start").getAsString()).isAfter(full), "a new file: " + newest);
            assertEquals(1, log.messages().stream().filter(m -> m.contains("recording resumes")).count(), log.messages().toString());
            Recordings.Probe cut = Recordings.probe(dir.resolve("cam").resolve(all.get(1).get("url").getAsString()
                    .substring("recordings/cam/".length())));
            assertTrue(cut.frames() > 0, "the file the full disk ended still plays: " + cut.output());
        } finally {
            Tools.run(30, dir.getParent(), List.of("umount", "-l", dir.toString()));
        }
    }

    private static void mount(Path dir) throws Exception {
        Tools.Result r = Tools.run(30, dir.getParent(), List.of("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir.toString()));
        assertEquals(0, r.exitCode(), "this test mounts a small tmpfs and needs root: " + r.output());
    }

    /** Writes until the file system says it is full. */
    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("space"), e.toString());
        }
    }

    private static JsonObject recording(EmbeddedCamstream server) throws Exception {
        return Recordings.status(server.uri("status"), "cam").getAsJsonObject("recording");
    }

    private static String problem(EmbeddedCamstream server) throws Exception {
        JsonObject r = recording(server);
        return r.get("problem").isJsonNull() ? null : r.get("problem").getAsString();
    }
}
