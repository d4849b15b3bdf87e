package camstream.source;

import camstream.CameraConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code source} setting of a camera:
 * {@code auto} (device 0, else the test pattern), {@code test-pattern}, {@code device:N},
 * a device path such as {@code /dev/video2}, or {@code file:PATH} (MJPEG AVI, or an image sequence
 * pattern such as {@code frames/img%04d.jpg}).
 */
public final class Sources {

    private static final Pattern DEVICE = Pattern.compile("device:(\\d{1,3}|/.+)");

    private Sources() {
    }

    /** Returns why the spec is unusable, or null if it is fine. */
    public static String check(String spec) {
        String s = spec.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("auto") || lower.equals("test-pattern") || DEVICE.matcher(s).matches()
                || s.startsWith("/dev/")) {
            return null;
        }
        if (lower.startsWith("file:")) {
            String path = s.substring(5);
            if (path.isEmpty()) {
                return "file: needs a path";
            }
            if (!path.contains("%") && !Files.isRegularFile(Path.of(path))) {
                return "no such file: " + path;
            }
            return null;
        }
        return "unknown source (use auto, test-pattern, device:N, /dev/videoN or file:PATH)";
    }

    /** Creates the source for a camera whose spec passed {@link #check}. */
    public static FrameSource create(CameraConfig cfg) {
        String s = cfg.source().trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("test-pattern")) {
            return new TestPatternSource(cfg, null);
        }
        if (lower.equals("auto")) {
            return new AutoSource(cfg);
        }
        if (lower.startsWith("file:")) {
            return new FileSource(cfg, s.substring(5));
        }
        Matcher m = DEVICE.matcher(s);
        String device = m.matches() ? m.group(1) : s;
        return new DeviceSource(cfg, device);
    }
}
