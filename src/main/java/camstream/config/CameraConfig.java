package camstream.config;

import java.util.List;

/**
 * One camera's settings, read once at start. {@code problems} lists settings that were invalid;
 * a camera with problems is still created and shows a placeholder that names them. {@code source}
 * is null when the source setting itself was invalid. {@code options}: how a source is read; {@code processing}: transforms,
 * duplicates, variants; {@code video}: the H.264 stream; {@code record}: recordings;
 * {@code timeLapse}: its time-lapse; {@code motion}: motion detection.
 */
public record CameraConfig(String id, String name, SourceSpec source, int width, int height, int fps,
                           int quality, List<String> problems, SourceOptions options, Processing processing,
                           VideoOptions video, RecordOptions record, TimeLapseOptions timeLapse, MotionOptions motion) {

    public CameraConfig {
        problems = List.copyOf(problems);
    }

    /** A camera that does not record. */
    public CameraConfig(String id, String name, SourceSpec source, int width, int height, int fps, int quality,
                        List<String> problems, SourceOptions options, Processing processing, VideoOptions video) {
        this(id, name, source, width, height, fps, quality, problems, options, processing, video, RecordOptions.OFF);
    }

    /** A camera with the default {@link SourceOptions} whose pictures are sent as captured. */
    public CameraConfig(String id, String name, SourceSpec source, int width, int height, int fps, int quality,
                        List<String> problems) {
        this(id, name, source, width, height, fps, quality, problems, SourceOptions.DEFAULTS, Processing.NONE);
    }

    /** A camera whose H.264 stream has the default {@link VideoOptions}. */
    public CameraConfig(String id, String name, SourceSpec source, int width, int height, int fps, int quality,
                        List<String> problems, SourceOptions options, Processing processing) {
        this(id, name, source, width, height, fps, quality, problems, options, processing, VideoOptions.DEFAULTS);
    }

    /** A camera with the default {@link TimeLapseOptions}. */
    public CameraConfig(String id, String name, SourceSpec source, int width, int height, int fps, int quality,
                        List<String> problems, SourceOptions options, Processing processing, VideoOptions video,
                        RecordOptions record) {
        this(id, name, source, width, height, fps, quality, problems, options, processing, video, record,
                TimeLapseOptions.DEFAULTS);
    }

    /** A camera that detects no motion. */
    public CameraConfig(String id, String name, SourceSpec source, int width, int height, int fps, int quality,
                        List<String> problems, SourceOptions options, Processing processing, VideoOptions video,
                        RecordOptions record, TimeLapseOptions timeLapse) {
        this(id, name, source, width, height, fps, quality, problems, options, processing, video, record, timeLapse,
                MotionOptions.OFF);
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    /** The setting key of one of this camera's settings, e.g. {@code camstream.camera.front.source}. */
    public String key(String setting) {
        return Settings.cameraKey(id, setting);
    }
}
