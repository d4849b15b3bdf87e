package camstream.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    private static final Pattern ORIGIN = Pattern.compile("https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(:\\d{1,5})?");
    /** CSP source expressions: keywords in quotes, hosts and schemes; nothing that could end the directive. */
    private static final Pattern FRAME_SOURCES = Pattern.compile("('[a-z-]+'|[A-Za-z0-9*:/.-]+)( ('[a-z-]+'|[A-Za-z0-9*:/.-]+))*");

    public static final String CAMERAS = "camstream.cameras";
    public static final String IDLE_TIMEOUT = "camstream.idleTimeout";
    public static final String STALL_TIMEOUT = "camstream.stallTimeout";
    public static final String WIDTH = "camstream.width";
    public static final String HEIGHT = "camstream.height";
    public static final String FPS = "camstream.fps";
    public static final String QUALITY = "camstream.quality";
    public static final String ENCODER = "camstream.encoder";
    public static final String ENCODE_THREADS = "camstream.encodeThreads";
    public static final String SOURCE_TIMEOUT = "camstream.sourceTimeout";
    public static final String SUMMARY_INTERVAL = "camstream.summaryInterval";
    public static final String MAX_VIEWERS = "camstream.maxViewers";
    public static final String MAX_VIEWERS_PER_CAMERA = "camstream.maxViewersPerCamera";
    public static final String CORS_ALLOW_ORIGIN = "camstream.cors.allowOrigin";
    public static final String PUBLIC_ORIGINS = "camstream.publicOrigins";
    public static final String FRAME_ANCESTORS = "camstream.frameAncestors";
    public static final String METRICS_ACCESS = "camstream.metrics.access";
    public static final String CONTROL_TOKEN = "camstream.controlToken";
    /** Values of {@link #METRICS_ACCESS}: as the rest of camstream, or open to everyone. */
    public static final Set<String> METRICS_ACCESSES = Set.of("protected", "open");
    public static final String DROP_DUPLICATES = "camstream.dropDuplicates";
    public static final String MAX_VARIANTS = "camstream.maxVariants";
    public static final String H264 = "camstream.h264";
    public static final String OPENH264_LIBRARY = "camstream.openh264Library";
    public static final String H264_BITRATE = "camstream.h264Bitrate";
    public static final String KEYFRAME_INTERVAL = "camstream.keyframeInterval";
    public static final String H264_PROFILE = "camstream.h264Profile";
    public static final String PAGE_VIDEO = "camstream.pageVideo";
    public static final String FFMPEG = "camstream.ffmpeg";
    /** Prefix of the time-lapse settings: {@code camstream.timelapse.interval}, {@code .schedule}, {@code .fps}. */
    public static final String TIMELAPSE = "camstream.timelapse";

    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_STALL_TIMEOUT_SECONDS = 15;
    public static final int DEFAULT_SOURCE_TIMEOUT_SECONDS = 5;
    public static final int DEFAULT_SUMMARY_INTERVAL_SECONDS = 60;
    /** Values of {@link #ENCODER}; {@code camstream.encode.JpegEncoders} says what each means. */
    public static final Set<String> ENCODERS = Set.of("auto", "turbojpeg", "opencv");

    private final int idleTimeoutSeconds;
    private final int stallTimeoutSeconds;
    private final int sourceTimeoutSeconds;
    private final int summaryIntervalSeconds;
    private final List<CameraConfig> cameras;
    private final String encoder;
    private final int encodeThreads;
    private final Access access;
    private final String openH264Library;
    private final PageVideo pageVideo;

    private Settings(int idleTimeoutSeconds, int stallTimeoutSeconds, int sourceTimeoutSeconds,
                     int summaryIntervalSeconds, List<CameraConfig> cameras, String encoder, int encodeThreads,
                     Access access, String openH264Library, PageVideo pageVideo) {
        this.idleTimeoutSeconds = idleTimeoutSeconds;
        this.stallTimeoutSeconds = stallTimeoutSeconds;
        this.sourceTimeoutSeconds = sourceTimeoutSeconds;
        this.summaryIntervalSeconds = summaryIntervalSeconds;
        this.cameras = List.copyOf(cameras);
        this.encoder = encoder;
        this.encodeThreads = encodeThreads;
        this.access = access;
        this.openH264Library = openH264Library;
        this.pageVideo = pageVideo;
    }

    /** Whether the page shows cameras as H.264 or as pictures ({@code camstream.pageVideo}). */
    public PageVideo pageVideo() {
        return pageVideo;
    }

    /** The OpenH264 library to load for H.264 ({@code camstream.openh264Library}); null when {@code camstream.h264=off}. */
    public String openH264Library() {
        return openH264Library;
    }

    /** Who may connect and how many: viewer limits, CORS, framing, metrics, per-camera tokens. */
    public Access access() {
        return access;
    }

    /** {@code auto}, {@code turbojpeg} or {@code opencv}. */
    public String encoder() {
        return encoder;
    }

    /** Threads that encode the pictures of every camera: by default one per core. */
    public int encodeThreads() {
        return encodeThreads;
    }

    /** Seconds an open or read of a source may take before viewers are shown NO SIGNAL. */
    public int sourceTimeoutSeconds() {
        return sourceTimeoutSeconds;
    }

    /** Seconds between the per-camera viewer summaries in the log; 0 turns them off. */
    public int summaryIntervalSeconds() {
        return summaryIntervalSeconds;
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

    /** The key of a per-camera setting: {@code camstream.camera.<id>.<setting>}. */
    public static String cameraKey(String id, String setting) {
        return "camstream.camera." + id + "." + setting;
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
        int sourceTimeout = r.integer(SOURCE_TIMEOUT, DEFAULT_SOURCE_TIMEOUT_SECONDS, 1, 3_600, null);
        int summary = r.integer(SUMMARY_INTERVAL, DEFAULT_SUMMARY_INTERVAL_SECONDS, 0, 86_400, null);
        int width = r.integer(WIDTH, 640, 16, 7680, null);
        int height = r.integer(HEIGHT, 480, 16, 4320, null);
        int fps = r.integer(FPS, 30, 1, 240, null);
        int quality = r.integer(QUALITY, 80, 1, 100, null);
        boolean dropDuplicates = r.bool(DROP_DUPLICATES, false, null);
        int maxVariants = r.integer(MAX_VARIANTS, Processing.DEFAULT_MAX_VARIANTS, 0, 64, null);
        String encoder = r.string(ENCODER, "auto").toLowerCase(Locale.ROOT);
        int encodeThreads = r.integer(ENCODE_THREADS, Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 256, null);
        if (!ENCODERS.contains(encoder)) {
            LOG.warning(() -> "Invalid setting " + ENCODER + "='" + encoder + "' (auto, turbojpeg or opencv); using auto");
        }

        int maxViewers = r.integer(MAX_VIEWERS, 0, 0, 1_000_000, null);
        int maxPerCamera = r.integer(MAX_VIEWERS_PER_CAMERA, 0, 0, 1_000_000, null);
        List<String> origins = origins(r, CORS_ALLOW_ORIGIN, true);
        List<String> publicOrigins = origins(r, PUBLIC_ORIGINS, false);
        String ancestors = r.string(FRAME_ANCESTORS, "'self'");
        if (!FRAME_SOURCES.matcher(ancestors).matches()) {
            LOG.warning(() -> "Invalid setting " + FRAME_ANCESTORS + "='" + ancestors
                    + "' (CSP sources such as 'self', 'none' or https://example.com); using 'self'");
        }
        String metricsAccess = r.string(METRICS_ACCESS, "protected").toLowerCase(Locale.ROOT);
        if (!METRICS_ACCESSES.contains(metricsAccess)) {
            LOG.warning(() -> "Invalid setting " + METRICS_ACCESS + "='" + metricsAccess + "' (protected or open); using protected");
        }

        boolean h264 = r.bool(H264, true, null);
        String openH264 = r.string(OPENH264_LIBRARY, "libopenh264.so.7");
        int bitrate = r.integer(H264_BITRATE, 0, 0, 100_000, null);
        int keyframes = r.integer(KEYFRAME_INTERVAL, VideoOptions.DEFAULT_KEYFRAME_SECONDS, 1, 60, null);
        String profile = r.choice(H264_PROFILE, VideoOptions.BASELINE, VideoOptions.PROFILES, new ArrayList<>());
        String pageVideoText = r.string(PAGE_VIDEO, "auto");
        PageVideo pageVideo = PageVideo.parse(pageVideoText);
        if (pageVideo == null) {
            LOG.warning(() -> "Invalid setting " + PAGE_VIDEO + "='" + pageVideoText + "' (auto, h264 or jpeg); using auto");
        }

        String list = lookup.apply(CAMERAS);
        Set<String> ids = new LinkedHashSet<>();
        Map<String, String> envNames = new HashMap<>();
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
            if (ids.contains(id)) {
                LOG.warning(() -> "Setting " + CAMERAS + ": camera id '" + id + "' is listed twice; the second is ignored");
                continue;
            }
            // Environment variables cannot tell front-door from front_door or Front_Door: refuse the second.
            String env = envName(cameraKey(id, ""));
            String other = envNames.putIfAbsent(env, id);
            if (other != null) {
                LOG.warning(() -> "Setting " + CAMERAS + ": camera id '" + id + "' would share the environment variables "
                        + env + "* with camera '" + other + "'; camera '" + id + "' skipped (rename one of them)");
                continue;
            }
            ids.add(id);
        }
        if (ids.isEmpty()) {
            LOG.warning(() -> "Setting " + CAMERAS + "='" + list + "' names no valid camera; using 'default'");
            ids.add("default");
        }

        CameraSettings camera = new CameraSettings(r, width, height, fps, quality, dropDuplicates, maxVariants,
                bitrate, keyframes, profile);
        List<CameraConfig> cameras = new ArrayList<>();
        Map<String, Access.CameraAccess> cameraAccess = new HashMap<>();
        for (String id : ids) {
            cameraAccess.put(id, new Access.CameraAccess(r.integer(cameraKey(id, "maxViewers"), maxPerCamera, 0, 1_000_000, null),
                    lookup.apply(cameraKey(id, "token"))));
            cameras.add(camera.read(id));
        }
        Access access = new Access(maxViewers, origins, publicOrigins,
                FRAME_SOURCES.matcher(ancestors).matches() ? ancestors : "'self'", "open".equals(metricsAccess), cameraAccess,
                lookup.apply(CONTROL_TOKEN));
        return new Settings(idle, stall, sourceTimeout, summary, cameras, ENCODERS.contains(encoder) ? encoder : "auto",
                encodeThreads, access, h264 ? openH264 : null, pageVideo == null ? PageVideo.AUTO : pageVideo);
    }

    /** A list of origins ({@code scheme://host[:port]}, or {@code *} where allowed); each bad one is logged and left out. */
    private static List<String> origins(Reader r, String key, boolean star) {
        List<String> origins = new ArrayList<>();
        for (String o : r.string(key, "").split("[,\\s]+")) {
            if (star && o.equals("*") || ORIGIN.matcher(o).matches()) {
                origins.add(o);
            } else if (!o.isEmpty()) {
                LOG.warning(() -> "Invalid setting " + key + ": '" + o + "' is not an origin ("
                        + (star ? "* or " : "") + "scheme://host[:port]); ignored");
            }
        }
        return origins;
    }

    /** Reads single settings for Settings and {@link CameraSettings}, logging each invalid value. */
    record Reader(UnaryOperator<String> lookup) {

        String string(String key, String def) {
            String v = lookup.apply(key);
            return v == null ? def : v;
        }

        /** Reads one of {@code values} (case ignored); an invalid value is logged, added to {@code problems} and replaced by the default. */
        String choice(String key, String def, List<String> values, List<String> problems) {
            String v = lookup.apply(key);
            if (v == null) {
                return def;
            }
            String lower = v.toLowerCase(Locale.ROOT);
            if (values.contains(lower)) {
                return lower;
            }
            String msg = "setting " + key + "='" + v + "' is not one of " + String.join(", ", values);
            LOG.warning(() -> "Invalid " + msg + "; using " + def);
            problems.add(msg);
            return def;
        }

        /** Reads true or false (also yes/no, on/off); an invalid value is logged, added to {@code problems} if given, and replaced by the default. */
        boolean bool(String key, boolean def, List<String> problems) {
            String v = lookup.apply(key);
            if (v == null) {
                return def;
            }
            switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> {
                    return true;
                }
                case "false", "no", "off" -> {
                    return false;
                }
                default -> {
                    String msg = "setting " + key + "='" + v + "' is not true or false";
                    LOG.warning(() -> "Invalid " + msg + "; using " + def);
                    if (problems != null) {
                        problems.add(msg);
                    }
                    return def;
                }
            }
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
