package camstream.it.support;

import camstream.record.AviWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recordings laid out as the recorder writes them, {@code {dir}/{camera}/{yyyyMMdd-HHmmss}-{kind}.{mp4|avi}}
 * with the thumbnail {@code {base}.jpg} and the sidecar {@code {base}.json}: an H.264 fragmented MP4 made
 * by ffmpeg, and an MJPEG AVI written by the recorder's {@link AviWriter} from JPEGs ffmpeg made.
 */
public final class RecordingFiles {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

    private RecordingFiles() {
    }

    /** The name a recording of {@code kind} started at {@code start} has, without its extension. */
    public static String base(Instant start, String kind) {
        return STAMP.format(start) + "-" + kind;
    }

    /**
     * An fMP4 of {@code seconds} at 25 pictures a second, a keyframe each second (ffmpeg's test source,
     * its clock counting), as a recording of {@code camera} with its thumbnail and sidecar; returns its file.
     */
    public static Path mp4(Path dir, String camera, Instant start, String kind, int seconds) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(camera));
        String base = base(start, kind);
        Path file = folder.resolve(base + ".mp4");
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", Integer.toString(seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25",
                "-movflags", "frag_keyframe+empty_moov+default_base_moof", file.toString());
        ffmpeg("-i", file.toString(), "-frames:v", "1", folder.resolve(base + ".jpg").toString());
        sidecar(folder, base, start, seconds, kind, "mp4", seconds * 25);
        return file;
    }

    /**
     * An MJPEG AVI of {@code pictures} at {@code fps}, written by {@link AviWriter}, as a recording of
     * {@code camera} with its thumbnail (its first picture) and sidecar; returns the JPEGs in order.
     */
    public static List<byte[]> avi(Path dir, String camera, Instant start, String kind, int pictures, double fps)
            throws Exception {
        Path folder = Files.createDirectories(dir.resolve(camera));
        String base = base(start, kind);
        Path work = Files.createTempDirectory("avi-pictures");
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=" + fps, "-frames:v", Integer.toString(pictures),
                "-c:v", "mjpeg", "-q:v", "5", work.resolve("p%03d.jpg").toString());
        List<byte[]> jpegs = new ArrayList<>();
        try (AviWriter w = AviWriter.create(folder.resolve(base + ".avi"), 320, 240, fps)) {
            for (int i = 1; i <= pictures; i++) {
                byte[] jpeg = Files.readAllBytes(work.resolve(String.format(Locale.ROOT, "p%03d.jpg", i)));
                w.write(jpeg, jpeg.length);
                jpegs.add(jpeg);
            }
        }
        Files.write(folder.resolve(base + ".jpg"), jpegs.get(0));
        sidecar(folder, base, start, pictures / fps, kind, "avi", pictures);
        return jpegs;
    }

    private static void sidecar(Path folder, String base, Instant start, double seconds, String kind, String format,
                                int pictures) throws IOException {
        Files.writeString(folder.resolve(base + ".json"), "{\"start\":\"" + start + "\",\"seconds\":" + seconds
                + ",\"kind\":\"" + kind + "\",\"format\":\"" + format + "\",\"pictures\":" + pictures + "}",
                StandardCharsets.UTF_8);
    }

    private static void ffmpeg(String... args) throws Exception {
        Tools.require(FFMPEG.toString());
        Path workDir = Files.createTempDirectory("ffmpeg");
        List<String> command = new ArrayList<>(List.of(FFMPEG.toString(), "-hide_banner", "-loglevel", "error", "-y"));
        command.addAll(List.of(args));
        Tools.Result r = Tools.run(60, workDir, command);
        if (r.exitCode() != 0) {
            throw new AssertionError("ffmpeg failed: " + command + ": " + r.output());
        }
    }
}
