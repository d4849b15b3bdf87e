package camstream.config;

import java.time.DateTimeException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import static camstream.config.Settings.cameraKey;

/**
 * Reads one camera's settings ({@code camstream.camera.ID.*}) into a {@link CameraConfig}. The components are
 * the global defaults those settings fall back on, read by {@link Settings} in its own order.
 */
record CameraSettings(Settings.Reader r, int width, int height, int fps, int quality, boolean dropDuplicates,
                      int maxVariants, int bitrate, int keyframes, String profile) {

    // The Reader logs as Settings: every warning about a setting keeps that one logger name.
    private static final Logger LOG = Logger.getLogger(Settings.class.getName());
    private static final Pattern FOURCC = Pattern.compile("[A-Za-z0-9 ]{4}");

    /** Camera {@code id}'s settings; each bad one is logged and, unless the camera can do without it, named in its problems. */
    CameraConfig read(String id) {
        List<String> problems = new ArrayList<>();
        String name = r.string(cameraKey(id, "name"), "default".equals(id) ? "Default camera" : id);
        String sourceKey = cameraKey(id, "source");
        String source = r.string(sourceKey, "default".equals(id) ? "auto" : "test-pattern");
        int w = r.integer(cameraKey(id, "width"), width, 16, 7680, problems);
        int h = r.integer(cameraKey(id, "height"), height, 16, 4320, problems);
        int f = r.integer(cameraKey(id, "fps"), fps, 1, 240, problems);
        int q = r.integer(cameraKey(id, "quality"), quality, 1, 100, problems);
        SourceSpec spec = null;
        try {
            spec = SourceSpec.parse(source);
        } catch (IllegalArgumentException e) {
            String msg = "setting " + sourceKey + "='" + SourceSpec.mask(source) + "': " + e.getMessage();
            LOG.warning(() -> "Camera '" + id + "': " + msg);
            problems.add(msg);
        }
        Processing processing = processing(id, problems);
        VideoOptions video = new VideoOptions(r.integer(cameraKey(id, "h264Bitrate"), bitrate, 0, 100_000, problems),
                r.integer(cameraKey(id, "keyframeInterval"), keyframes, 1, 60, problems),
                r.choice(cameraKey(id, "h264Profile"), profile, VideoOptions.PROFILES, problems));
        return new CameraConfig(id, name, spec, w, h, f, q, problems, sourceOptions(id, problems), processing,
                video, RecordOptions.read(r.lookup(), id), timeLapse(id), MotionOptions.read(r.lookup(), id, problems));
    }

    private SourceOptions sourceOptions(String id, List<String> problems) {
        String fourccKey = cameraKey(id, "fourcc");
        String fourcc = r.string(fourccKey, "");
        if (!fourcc.isEmpty() && !FOURCC.matcher(fourcc).matches()) {
            String msg = "setting " + fourccKey + "='" + fourcc + "' is not a pixel format code of 4 letters or digits"
                    + " such as MJPG or YUYV";
            LOG.warning(() -> "Invalid " + msg + "; using the default");
            problems.add(msg);
            fourcc = "";
        }
        return new SourceOptions(fourcc.toUpperCase(Locale.ROOT),
                r.integer(cameraKey(id, "connectTimeout"), SourceOptions.DEFAULT_CONNECT_TIMEOUT_SECONDS, 1, 300, problems),
                r.integer(cameraKey(id, "readTimeout"), SourceOptions.DEFAULT_READ_TIMEOUT_SECONDS, 1, 3_600, problems),
                r.integer(cameraKey(id, "maxPartSize"), SourceOptions.DEFAULT_MAX_PART_BYTES, 1024, 256 << 20, problems),
                r.bool(cameraKey(id, "passthrough"), true, problems),
                r.choice(cameraKey(id, "rtspTransport"), "tcp", SourceOptions.RTSP_TRANSPORTS, problems),
                r.string(cameraKey(id, "ffmpeg"), r.string(Settings.FFMPEG, SourceOptions.DEFAULT_FFMPEG)));
    }

    /** A camera's rotate, flip, overlay, overlayFormat, dropDuplicates and maxVariants settings. */
    private Processing processing(String id, List<String> problems) {
        String rotate = r.choice(cameraKey(id, "rotate"), "0", List.of("0", "90", "180", "270"), problems);
        String flip = r.choice(cameraKey(id, "flip"), "none", List.of("none", "horizontal", "vertical", "both"),
                problems);
        String overlay = r.choice(cameraKey(id, "overlay"), "off", List.of("off", "timestamp"), problems);
        String formatKey = cameraKey(id, "overlayFormat");
        String format = r.string(formatKey, Processing.DEFAULT_OVERLAY_FORMAT);
        if (overlay.equals("timestamp")) {
            try {
                DateTimeFormatter.ofPattern(format, Locale.ROOT).format(ZonedDateTime.now());
            } catch (IllegalArgumentException | DateTimeException e) {
                String msg = "setting " + formatKey + "='" + format + "' is not a date-time pattern such as "
                        + Processing.DEFAULT_OVERLAY_FORMAT + " (" + e.getMessage() + ")";
                LOG.warning(() -> "Invalid " + msg + "; using " + Processing.DEFAULT_OVERLAY_FORMAT);
                problems.add(msg);
                format = Processing.DEFAULT_OVERLAY_FORMAT;
            }
        }
        return new Processing(Integer.parseInt(rotate), Processing.Flip.valueOf(flip.toUpperCase(Locale.ROOT)),
                overlay.equals("timestamp") ? format : null,
                r.bool(cameraKey(id, "dropDuplicates"), dropDuplicates, problems),
                r.integer(cameraKey(id, "maxVariants"), maxVariants, 0, 64, problems));
    }

    /**
     * A camera's time-lapse settings, each with a global default ({@code camstream.timelapse.interval}).
     * A bad one is logged and replaced by its default, not made a problem of the camera: the camera streams.
     */
    private TimeLapseOptions timeLapse(String id) {
        int interval = r.integer(cameraKey(id, "timelapse.interval"), r.integer(Settings.TIMELAPSE + ".interval",
                TimeLapseOptions.DEFAULT_INTERVAL_SECONDS, 1, TimeLapseOptions.MAX_INTERVAL_SECONDS, null),
                1, TimeLapseOptions.MAX_INTERVAL_SECONDS, null);
        int lapseFps = r.integer(cameraKey(id, "timelapse.fps"), r.integer(Settings.TIMELAPSE + ".fps",
                TimeLapseOptions.DEFAULT_FPS, 1, 120, null), 1, 120, null);
        String key = cameraKey(id, "timelapse.schedule");
        String text = r.lookup().apply(key);
        if (text == null) {
            key = Settings.TIMELAPSE + ".schedule";
            text = r.lookup().apply(key);
        }
        Schedule schedule = Schedule.NONE;
        try {
            schedule = Schedule.parse(text);
        } catch (IllegalArgumentException e) {
            String msg = "setting " + key + "='" + text + "': " + e.getMessage();
            LOG.warning(() -> "Invalid " + msg + "; camera '" + id + "' makes a time-lapse only when asked");
        }
        return new TimeLapseOptions(interval, schedule, lapseFps);
    }
}
