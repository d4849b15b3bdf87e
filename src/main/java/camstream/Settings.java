package camstream;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * All settings, read once when the webapp starts. Each key (e.g. {@code camstream.idleTimeout}) is
 * looked up as a system property, then as an environment variable ({@code CAMSTREAM_IDLETIMEOUT}),
 * then as a context parameter (web.xml defaults, Tomcat context.xml, Jetty override descriptors).
 * An invalid value is logged with its setting name and replaced by the default.
 */
public final class Settings {

    private static final Logger LOG = Logger.getLogger(Settings.class.getName());
    private static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public static final String CAMERAS = "camstream.cameras";
    public static final String IDLE_TIMEOUT = "camstream.idleTimeout";
    public static final String STALL_TIMEOUT = "camstream.stallTimeout";
    public static final String WIDTH = "camstream.width";
    public static final String HEIGHT = "camstream.height";
    public static final String FPS = "camstream.fps";
    public static final String QUALITY = "camstream.quality";
    public static final String ENCODER = "camstream.encoder";

    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_STALL_TIMEOUT_SECONDS = 30;

    private final int idleTimeoutSeconds;
    private final int stallTimeoutSeconds;
    private final List<CameraConfig> cameras;
    private final String encoder;

    private Settings(int idleTimeoutSeconds, int stallTimeoutSeconds, List<CameraConfig> cameras, String encoder) {
        this.idleTimeoutSeconds = idleTimeoutSeconds;
        this.stallTimeoutSeconds = stallTimeoutSeconds;
        this.cameras = List.copyOf(cameras);
        this.encoder = encoder;
    }

    /** {@code auto}, {@code turbojpeg} or {@code opencv}: see {@link camstream.capture.JpegEncoders}. */
    public String encoder() {
        return encoder;
    }

    /** Seconds a device stays open after the last viewer left; 0 keeps it open. */
    public int idleTimeoutSeconds() {
        return idleTimeoutSeconds;
    }

    /** Seconds a viewer may go without accepting any bytes before it is disconnected. */
    public int stallTimeoutSeconds() {
        return stallTimeoutSeconds;
    }

    public List<CameraConfig> cameras() {
        return cameras;
    }

    /** Environment variable name for a setting key: {@code camstream.camera.front.fps} → {@code CAMSTREAM_CAMERA_FRONT_FPS}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * Builds the standard lookup chain over a context-parameter lookup.
     */
    public static UnaryOperator<String> lookup(UnaryOperator<String> contextParams) {
        return key -> {
            String v = System.getProperty(key);
            if (v == null) {
                v = System.getenv(envName(key));
            }
            if (v == null) {
                v = contextParams.apply(key);
            }
            return v == null || v.isBlank() ? null : v.trim();
        };
    }

    public static Settings read(UnaryOperator<String> lookup) {
        Reader r = new Reader(lookup);
        int idle = r.integer(IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT_SECONDS, 0, 86_400, null);
        int stall = r.integer(STALL_TIMEOUT, DEFAULT_STALL_TIMEOUT_SECONDS, 1, 86_400, null);
        int width = r.integer(WIDTH, 640, 16, 7680, null);
        int height = r.integer(HEIGHT, 480, 16, 4320, null);
        int fps = r.integer(FPS, 30, 1, 240, null);
        int quality = r.integer(QUALITY, 80, 1, 100, null);
        String encoder = r.string(ENCODER, camstream.capture.JpegEncoders.AUTO);
        if (!camstream.capture.JpegEncoders.validMode(encoder)) {
            LOG.warning(() -> "Invalid setting " + ENCODER + "='" + encoder + "' (auto, turbojpeg or opencv); using auto");
        }

        String list = lookup.apply(CAMERAS);
        Set<String> ids = new LinkedHashSet<>();
        for (String raw : (list == null ? "default" : list).split(",")) {
            String id = raw.trim();
            if (id.isEmpty()) {
                continue;
            }
            if (!CAMERA_ID.matcher(id).matches()) {
                LOG.warning(() -> "Setting " + CAMERAS + ": camera id '" + id
                        + "' is not valid (letters, digits, '-' and '_', at most 64); camera skipped");
                continue;
            }
            if (!ids.add(id)) {
                LOG.warning(() -> "Setting " + CAMERAS + ": camera id '" + id + "' is listed twice; the second is ignored");
            }
        }
        if (ids.isEmpty()) {
            LOG.warning(() -> "Setting " + CAMERAS + "='" + list + "' names no valid camera; using 'default'");
            ids.add("default");
        }

        List<CameraConfig> cameras = new ArrayList<>();
        for (String id : ids) {
            String p = "camstream.camera." + id + ".";
            List<String> problems = new ArrayList<>();
            String name = r.string(p + "name", "default".equals(id) ? "Default camera" : id);
            String source = r.string(p + "source", "default".equals(id) ? "auto" : "test-pattern");
            int w = r.integer(p + "width", width, 16, 7680, problems);
            int h = r.integer(p + "height", height, 16, 4320, problems);
            int f = r.integer(p + "fps", fps, 1, 240, problems);
            int q = r.integer(p + "quality", quality, 1, 100, problems);
            String sourceProblem = camstream.source.Sources.check(source);
            if (sourceProblem != null) {
                String msg = "setting " + p + "source='" + source + "': " + sourceProblem;
                LOG.warning(() -> "Camera '" + id + "': " + msg);
                problems.add(msg);
            }
            cameras.add(new CameraConfig(id, name, source, w, h, f, q, problems));
        }
        return new Settings(idle, stall, cameras,
                camstream.capture.JpegEncoders.validMode(encoder) ? encoder : camstream.capture.JpegEncoders.AUTO);
    }

    private record Reader(UnaryOperator<String> lookup) {

        String string(String key, String def) {
            String v = lookup.apply(key);
            return v == null ? def : v;
        }

        /** Reads an integer; an invalid value is logged, added to {@code problems} if given, and replaced by the default. */
        int integer(String key, int def, int min, int max, List<String> problems) {
            String v = lookup.apply(key);
            if (v == null) {
                return def;
            }
            String problem;
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
                problem = "setting " + key + "='" + v + "' is out of range " + min + ".." + max;
            } catch (NumberFormatException e) {
                problem = "setting " + key + "='" + v + "' is not a whole number";
            }
            String msg = problem;
            LOG.warning(() -> "Invalid " + msg + "; using " + def);
            if (problems != null) {
                problems.add(msg);
            }
            return def;
        }
    }
}
