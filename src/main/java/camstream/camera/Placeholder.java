package camstream.camera;

import camstream.config.CameraConfig;
import camstream.source.Captions;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The picture viewers get when a camera has nothing live to show, saying why. */
final class Placeholder {

    private static final Scalar BACKGROUND = new Scalar(48, 32, 32);
    private static final Scalar TITLE = new Scalar(80, 180, 255);
    private static final Scalar TEXT = new Scalar(240, 240, 240);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Placeholder() {
    }

    /** The picture for a camera in status {@code s}; {@code stuck} while its source has not answered for too long. */
    static Mat of(CameraConfig cfg, CameraStatus s, boolean stuck) {
        return of(cfg, s, stuck, cfg.width(), cfg.height());
    }

    /** As {@link #of(CameraConfig, CameraStatus, boolean)}, {@code width} x {@code height}. */
    static Mat of(CameraConfig cfg, CameraStatus s, boolean stuck, int width, int height) {
        ZoneId zone = ZoneId.systemDefault();
        Instant now = Instant.now();
        List<String> lines = new ArrayList<>();
        String title;
        switch (s.state()) {
            case MISCONFIGURED -> {
                title = "NOT CONFIGURED";
                lines.addAll(List.of(s.publicReason().split("; ")));
            }
            case OPENING, IDLE -> {
                title = "OPENING";
                lines.add("opening " + s.publicSource());
            }
            default -> {
                title = "NO SIGNAL";
                lines.add(s.publicReason());
                lines.add(s.lastFrame() == null ? "no picture yet"
                        : "last picture at " + LocalTime.ofInstant(s.lastFrame(), zone).format(CLOCK) + " ("
                        + Duration.between(s.lastFrame(), now).toSeconds() + " s ago)");
                if (stuck) {
                    lines.add("waiting for it to answer");
                } else if (s.nextRetry() != null) {
                    lines.add("next try in " + Math.max(0, Duration.between(now, s.nextRetry()).toSeconds() + 1) + " s");
                } else {
                    lines.add("trying again now");
                }
            }
        }
        lines.add("now " + LocalTime.ofInstant(now, zone).format(CLOCK));
        return render(cfg, title, lines, width, height);
    }

    /** A picture of {@code w} x {@code h}: a title, the camera's name, then {@code lines}, wrapped to fit. */
    static Mat render(CameraConfig cfg, String title, List<String> lines, int w, int h) {
        Mat m = new Mat(h, w, CvType.CV_8UC3, BACKGROUND);
        double scale = Math.max(0.35, h / 480.0 * 0.6);
        int thick = Math.max(1, (int) Math.round(scale * 2));
        int line = (int) Math.round(32 * scale);
        int y = line * 2;
        Imgproc.putText(m, Captions.ascii(title), new Point(12, y), Imgproc.FONT_HERSHEY_SIMPLEX, scale * 1.6, TITLE,
                thick + 1, Imgproc.LINE_AA);
        y += line / 2;
        int perLine = Math.max(10, (int) ((w - 24) / (19 * scale)));
        List<String> all = new ArrayList<>();
        all.add(cfg.name());
        all.addAll(lines);
        for (String text : all) {
            for (String s : Captions.wrap(Captions.ascii(text), perLine)) {
                y += line;
                Imgproc.putText(m, s, new Point(12, y), Imgproc.FONT_HERSHEY_SIMPLEX, scale, TEXT, thick,
                        Imgproc.LINE_AA);
            }
        }
        return m;
    }
}
