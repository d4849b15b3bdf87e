package camstream;

import camstream.it.support.Await;
import camstream.record.Library;
import camstream.record.Recording;
import camstream.support.EmbeddedMain;
import camstream.support.Recordings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 in the middle of a recording: camstream runs in a JVM of its own, is killed while it writes an
 * H.264 and an MJPEG file, and both files still play (ffmpeg decodes them to the end) and are listed
 * with their length worked out from what is in them.
 */
class RecordCrashIT {

    @TempDir
    Path dir;

    @Test
    void killedMidRecordingLeavesFilesThatPlayInBothFormats() throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "-Dcamstream.war=" + System.getProperty("camstream.war"),
                EmbeddedMain.class.getName(),
                "camstream.cameras=h264,mjpeg", "camstream.width=320", "camstream.height=240", "camstream.fps=10",
                "camstream.recordings=" + dir, "camstream.record=continuous", "camstream.record.fileSeconds=600",
                "camstream.camera.mjpeg.record.format=avi"));
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            CompletableFuture<String> ready = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("ready ")) {
                            ready.complete(line);
                        }
                    }
                } catch (Exception e) {
                    ready.completeExceptionally(e);
                }
            }, "crash-test-output");
            reader.setDaemon(true);
            reader.start();
            ready.get(120, TimeUnit.SECONDS);
            Await.until(Duration.ofSeconds(60), "4 s in each file", () -> size(dir.resolve("h264"), ".mp4") > 0
                    && size(dir.resolve("mjpeg"), ".avi") > 40 * 8_000 && Files.exists(thumbnail(dir.resolve("h264"))));
            Await.until(Duration.ofSeconds(30), "some more of the H.264 file", () -> size(dir.resolve("h264"), ".mp4") > 30_000);
        } finally {
            jvm.destroyForcibly();
            assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "the JVM ended");
        }
        assertEquals(137, jvm.exitValue(), "killed, not stopped");

        Library library = new Library(Map.of("h264", dir.resolve("h264"), "mjpeg", dir.resolve("mjpeg")));
        for (String camera : List.of("h264", "mjpeg")) {
            List<Recording> list = library.list(camera);
            assertEquals(1, list.size(), list.toString());
            Recording r = list.get(0);
            Path file = library.path(r);
            var decoded = Recordings.decode(file);
            assertEquals(0, decoded.exitCode(), file + ": " + decoded.output());
            Recordings.Probe p = Recordings.probe(file);
            assertEquals(camera, p.codec(), p.output());
            assertTrue(p.frames() >= 20, file + " has its pictures: " + p.output());
            assertTrue(r.seconds() >= 2, "its length worked out from the file: " + r);
            assertEquals(p.frames() / 10.0, r.seconds(), 1.0, r + " against " + p.output());
        }
    }

    private static long size(Path folder, String ext) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.toString().endsWith(ext)).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static Path thumbnail(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return folder.resolve("none");
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.toString().endsWith(".jpg")).findFirst().orElse(folder.resolve("none"));
        }
    }
}
