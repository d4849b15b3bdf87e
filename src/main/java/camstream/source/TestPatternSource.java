package camstream.source;

import camstream.config.CameraConfig;
import camstream.config.MotionOptions;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A generated moving picture: colour bars, a bouncing ball, the wall clock with milliseconds,
 * a frame counter, the camera name, the resolution and why the pattern is shown.
 */
public final class TestPatternSource implements FrameSource {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final Scalar[] BARS = {
            new Scalar(192, 192, 192), new Scalar(0, 192, 192), new Scalar(192, 192, 0), new Scalar(0, 192, 0),
            new Scalar(192, 0, 192), new Scalar(0, 0, 192), new Scalar(192, 0, 0), new Scalar(40, 40, 40)};
    private static final Scalar WHITE = new Scalar(255, 255, 255);
    private static final Scalar BLACK = new Scalar(0, 0, 0);

    private final CameraConfig cfg;
    private final String reason;
    private Mat background;
    private long counter;
    // Text layout for the picture size, set by open().
    private double scale;
    private int thick;
    private int line;
    private int top;

    /**
     * @param reason why the pattern is shown instead of a camera, or null when it was asked for
     */
    public TestPatternSource(CameraConfig cfg, String reason) {
        this.cfg = cfg;
        this.reason = reason;
    }

    /**
     * Where the pattern writes the time and the frame number (as shares of the picture): the third below
     * the bars, where nothing else changes; the ball stays above it.
     */
    public static final MotionOptions.Zone CLOCK_ZONE = new MotionOptions.Zone(0, 2 / 3.0, 1, 1 / 3.0);

    @Override
    public void open() {
        int w = cfg.width();
        int h = cfg.height();
        background = new Mat(h, w, org.opencv.core.CvType.CV_8UC3, BLACK);
        int barH = h * 2 / 3;
        for (int i = 0; i < BARS.length; i++) {
            Imgproc.rectangle(background, new Point(i * w / (double) BARS.length, 0),
                    new Point((i + 1) * w / (double) BARS.length, barH), BARS[i], Imgproc.FILLED);
        }
        for (int x = 0; x < w; x += Math.max(1, w / 16)) {
            Imgproc.line(background, new Point(x, barH), new Point(x, h), new Scalar(70, 70, 70), 1);
        }
        scale = Math.max(0.35, h / 480.0 * 0.7);
        thick = Math.max(1, (int) Math.round(scale * 2));
        line = (int) Math.round(34 * scale);
        top = h * 2 / 3 + line;
        // Anti-aliased text is most of the drawing time: the lines that never change are drawn once here.
        text(background, cfg.name() + "  " + w + "x" + h + "@" + cfg.fps(), 10, top, scale, thick);
        // Why it is shown, wrapped to fit: "permission denied on /dev/video0: ..." says what to do, and is long.
        int perLine = Math.max(10, (int) ((w - 20) / (19 * scale * 0.8)));
        int y = Math.max(line, (int) (line * 0.9));
        for (String s : Captions.wrap(Captions.ascii(reason != null ? reason : "test pattern"), perLine)) {
            text(background, s, 10, y, scale * 0.8, thick);
            y += (int) Math.round(line * 0.85);
        }
        counter = 0;
    }

    @Override
    public void read(Mat frame) {
        int w = cfg.width();
        int h = cfg.height();
        background.copyTo(frame);
        long n = counter++;

        // Bouncing ball: position is a pure function of the frame number, so motion is visible at any fps.
        int r = Math.max(6, h / 12);
        double period = 2.0 * (w - 2 * r);
        double px = (n * w / 90.0) % period;
        double x = r + (px < w - 2 * r ? px : period - px);
        double y = h * 2 / 3.0 - r - Math.abs(Math.sin(n / 12.0)) * (h / 3.0);
        Imgproc.circle(frame, new Point(x, y), r, WHITE, Imgproc.FILLED, Imgproc.LINE_AA);
        Imgproc.circle(frame, new Point(x, y), r, BLACK, thick, Imgproc.LINE_AA);

        text(frame, LocalDateTime.now().format(CLOCK), 10, top + line, scale, thick);
        text(frame, "frame " + n, 10, top + 2 * line, scale, thick);
    }

    private static void text(Mat frame, String s, int x, int y, double scale, int thick) {
        Imgproc.putText(frame, s, new Point(x, y), Imgproc.FONT_HERSHEY_SIMPLEX, scale, BLACK, thick + 3, Imgproc.LINE_AA);
        Imgproc.putText(frame, s, new Point(x, y), Imgproc.FONT_HERSHEY_SIMPLEX, scale, WHITE, thick, Imgproc.LINE_AA);
    }

    @Override
    public double pacingFps() {
        return cfg.fps();
    }

    @Override
    public String describe() {
        return "test pattern";
    }

    @Override
    public void close() {
        if (background != null) {
            background.release();
            background = null;
        }
    }
}
