package camstream.motion;

import camstream.config.MotionOptions.Zone;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds what moves in a camera's small grey pictures, as Frigate's improved motion detector does:
 * each picture is blurred, its brightness brought to that of the background (a slow change of light
 * is no motion), and compared with a running average of the last pictures; pixels that differ by
 * more than the sensitivity's threshold, outside the masked zones, are grown together and counted
 * in blobs big enough not to be sensor noise. When most of the picture changes at once (a light
 * switched, a flicker, the camera's exposure jumped) the background starts again from this picture
 * and nothing counts as motion. Used by one thread.
 */
final class Detector implements AutoCloseable {

    /** Share of the picture that changing at once is taken for a change of light, not motion. */
    static final double LIGHT_CHANGE = 0.6;
    /** How much of each new picture goes into the background: a stopped object is background in about a second. */
    private static final double ALPHA = 0.5;
    /** Blobs smaller than this share of the picture are noise. */
    private static final double MIN_BLOB = 0.0005;

    private final double threshold;
    private final List<Zone> zones;
    private final Mat blurred = new Mat();
    private final Mat background = new Mat();
    private final Mat backgroundBytes = new Mat();
    private final Mat diff = new Mat();
    private final Mat moving = new Mat();
    private final Mat hierarchy = new Mat();
    private final Mat kernel = Imgproc.getStructuringElement(Imgproc.MORPH_ELLIPSE, new Size(5, 5));
    private Mat mask;
    private double unmasked;

    /**
     * @param sensitivity 1..100: the brightness difference that counts as a change goes from 60 down to 8
     * @param zones       rectangles where nothing counts
     */
    Detector(int sensitivity, List<Zone> zones) {
        this.threshold = 60 - (sensitivity - 1) * 52.0 / 99;
        this.zones = List.copyOf(zones);
    }

    /** The share of the picture (0..1) that moves in {@code grey}, an 8-bit one-channel picture. */
    double detect(Mat grey) {
        Imgproc.GaussianBlur(grey, blurred, new Size(5, 5), 0);
        if (background.empty() || background.rows() != grey.rows() || background.cols() != grey.cols()) {
            reset(grey.cols(), grey.rows());
            return 0;
        }
        background.convertTo(backgroundBytes, CvType.CV_8U);
        // Brightness of the whole picture brought to the background's: dimming or brightening is no motion.
        double shift = Core.mean(backgroundBytes, mask).val[0] - Core.mean(blurred, mask).val[0];
        if (Math.abs(shift) >= 1) {
            Core.add(blurred, new Scalar(shift), blurred);
        }
        Core.absdiff(blurred, backgroundBytes, diff);
        Imgproc.threshold(diff, moving, threshold, 255, Imgproc.THRESH_BINARY);
        Core.bitwise_and(moving, mask, moving);
        double changed = Core.countNonZero(moving) / unmasked;
        if (changed > LIGHT_CHANGE) {
            blurred.convertTo(background, CvType.CV_32F);
            return 0;
        }
        Imgproc.accumulateWeighted(blurred, background, ALPHA);
        if (changed == 0) {
            return 0;
        }
        Imgproc.dilate(moving, moving, kernel, new Point(-1, -1), 2);
        List<MatOfPoint> contours = new ArrayList<>();
        Imgproc.findContours(moving, contours, hierarchy, Imgproc.RETR_EXTERNAL, Imgproc.CHAIN_APPROX_SIMPLE);
        double total = grey.rows() * (double) grey.cols();
        double area = 0;
        for (MatOfPoint c : contours) {
            double a = Imgproc.contourArea(c);
            if (a >= MIN_BLOB * total) {
                area += a;
            }
            c.release();
        }
        return Math.min(1, area / total);
    }

    private void reset(int width, int height) {
        blurred.convertTo(background, CvType.CV_32F);
        if (mask != null) {
            mask.release();
        }
        mask = new Mat(height, width, CvType.CV_8U, new Scalar(255));
        for (Zone z : zones) {
            Imgproc.rectangle(mask, new Point(Math.floor(z.x() * width), Math.floor(z.y() * height)),
                    new Point(Math.ceil((z.x() + z.w()) * width), Math.ceil((z.y() + z.h()) * height)),
                    new Scalar(0), Imgproc.FILLED);
        }
        unmasked = Math.max(1, Core.countNonZero(mask));
    }

    @Override
    public void close() {
        for (Mat m : new Mat[] {blurred, background, backgroundBytes, diff, moving, hierarchy, kernel}) {
            m.release();
        }
        if (mask != null) {
            mask.release();
        }
    }
}
