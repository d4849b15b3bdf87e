package camstream.source;

import camstream.config.CameraConfig;
import camstream.config.SourceSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Finds out once at start whether the ffmpeg that IP cameras need runs here, and says so in one log
 * line: its version, or which cameras stay dark and what to install. Other cameras are not concerned.
 */
public final class FfmpegCheck {

    private static final Logger LOG = Logger.getLogger(FfmpegCheck.class.getName());

    private FfmpegCheck() {
    }

    /** What {@code /status} says of ffmpeg: its version, why it does not run, or that no camera needs it. */
    public static String probe(List<CameraConfig> cameras) {
        Map<String, List<String>> byProgram = cameras.stream()
                .filter(c -> c.source() != null && c.source().kind() == SourceSpec.Kind.RTSP)
                .collect(Collectors.groupingBy(c -> c.options().ffmpeg(), TreeMap::new,
                        Collectors.mapping(CameraConfig::id, Collectors.toList())));
        if (byProgram.isEmpty()) {
            return "not needed: no rtsp:// camera";
        }
        StringBuilder said = new StringBuilder();
        for (Map.Entry<String, List<String>> e : byProgram.entrySet()) {
            String version = version(e.getKey());
            if (version.startsWith("ffmpeg version")) {
                LOG.info(() -> "IP cameras " + e.getValue() + ": " + version + " (" + e.getKey() + ")");
            } else {
                LOG.warning(() -> "IP cameras " + e.getValue() + " are off: " + version + "; install the package ffmpeg"
                        + " (Debian/Ubuntu) or set camstream.ffmpeg (README: IP cameras (RTSP))");
            }
            said.append(said.length() == 0 ? "" : "; ").append(e.getKey()).append(": ").append(version);
        }
        return said.toString();
    }

    /** The first line of {@code program -version}, or why it did not run. */
    private static String version(String program) {
        Process p;
        try {
            p = new ProcessBuilder(program, "-hide_banner", "-version").redirectErrorStream(true).start();
        } catch (IOException e) {
            return "cannot run '" + program + "' (" + e.getMessage() + ")";
        }
        try (InputStream in = p.getInputStream()) {
            p.getOutputStream().close();
            String first = new String(in.readNBytes(4096), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                return "'" + program + " -version' did not end";
            }
            return p.exitValue() == 0 && first.startsWith("ffmpeg version") ? first.strip()
                    : "'" + program + " -version' failed (exit code " + p.exitValue() + ": " + first.strip() + ")";
        } catch (IOException e) {
            return "'" + program + " -version' failed (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "'" + program + " -version' was interrupted";
        } finally {
            p.destroyForcibly();
        }
    }
}
