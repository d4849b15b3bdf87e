package camstream.camera;

import camstream.config.CameraConfig;
import camstream.config.MotionOptions;
import camstream.config.Processing;
import camstream.config.SourceSpec;
import camstream.source.Captions;
import camstream.source.TestPatternSource;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A camera's rotation, flip and timestamp overlay, applied to each captured picture once, before any
 * encode: rotate first, then flip, then draw the time upright in the bottom left corner. Writes into
 * the picture it is given; used by the capture thread only.
 */
final class Transform implements AutoCloseable {

    private static final Scalar WHITE = new Scalar(255, 255, 255, 255);
    private static final Scalar BLACK = new Scalar(0, 0, 0, 255);

    /** Core.rotate's code, or -1 for none. */
    private final int rotateCode;
    /** Core.flip's code, or 2 for none. */
    private final int flipCode;
    private final DateTimeFormatter overlay;
    private final ZoneId zone = ZoneId.systemDefault();
    /** Made at the first turn followed by a flip. */
    private Mat rotated;

    private Transform(Processing p) {
        rotateCode = switch (p.rotate()) {
            case 90 -> Core.ROTATE_90_CLOCKWISE;
            case 180 -> Core.ROTATE_180;
            case 270 -> Core.ROTATE_90_COUNTERCLOCKWISE;
            default -> -1;
        };
        flipCode = switch (p.flip()) {
            case HORIZONTAL -> 1;
            case VERTICAL -> 0;
            case BOTH -> -1;
            case NONE -> 2;
        };
        overlay = p.overlayFormat() == null ? null : DateTimeFormatter.ofPattern(p.overlayFormat(), Locale.ROOT);
    }

    /** The transform of {@code p}, or null when it leaves pictures as they are. */
    static Transform of(Processing p) {
        return p.transforms() ? new Transform(p) : null;
    }

    /** Whether pictures come out with width and height swapped (a quarter turn). */
    static boolean swapsSides(Processing p) {
        return p.rotate() == 90 || p.rotate() == 270;
    }

    /**
     * The transformed picture: {@code picture} itself (drawn on), or {@code into}, which must be
     * another picture. Only a turn followed by a flip uses a picture of this transform's own.
     */
    Mat apply(Mat picture, Mat into, long captureMicros) {
        Mat m = picture;
        if (rotateCode >= 0) {
            if (flipCode != 2 && rotated == null) {
                rotated = new Mat();
            }
            Mat to = flipCode != 2 ? rotated : into;
            Core.rotate(m, to, rotateCode);
            m = to;
        }
        if (flipCode != 2) {
            Core.flip(m, into, flipCode);
            m = into;
        }
        if (overlay != null) {
            Instant t = Instant.ofEpochSecond(Math.floorDiv(captureMicros, 1_000_000L),
                    Math.floorMod(captureMicros, 1_000_000L) * 1000);
            draw(m, Captions.ascii(overlay.format(t.atZone(zone))));
        }
        return m;
    }

    /**
     * Where this camera's pictures show a time that changes by itself (the test pattern's clock, the
     * timestamp overlay), as shares of the sent picture: motion detection ignores it.
     */
    static List<MotionOptions.Zone> clocks(CameraConfig cfg) {
        List<MotionOptions.Zone> zones = new ArrayList<>();
        if (cfg.source() != null && cfg.source().kind() == SourceSpec.Kind.TEST_PATTERN) {
            zones.add(turned(TestPatternSource.CLOCK_ZONE, cfg.processing()));
        }
        boolean turned = swapsSides(cfg.processing());
        MotionOptions.Zone overlay = overlayZone(cfg.processing(), turned ? cfg.height() : cfg.width(),
                turned ? cfg.width() : cfg.height());
        if (overlay != null) {
            zones.add(overlay);
        }
        return zones;
    }

    /**
     * Where the overlay of {@code p} writes the time on a picture of {@code width} x {@code height}
     * (after the turn), as shares of the picture and with room to spare; null when there is no overlay.
     */
    static MotionOptions.Zone overlayZone(Processing p, int width, int height) {
        if (p.overlayFormat() == null) {
            return null;
        }
        String sample = Captions.ascii(DateTimeFormatter.ofPattern(p.overlayFormat(), Locale.ROOT)
                .format(ZonedDateTime.of(2000, 12, 28, 23, 58, 58, 0, ZoneId.systemDefault())));
        double scale = scale(height);
        int thick = thickness(scale);
        int margin = margin(scale);
        int[] baseline = new int[1];
        Size text = Imgproc.getTextSize(sample, Imgproc.FONT_HERSHEY_SIMPLEX, scale, thick + 3, baseline);
        double w = Math.min(1, (2 * margin + text.width * 1.2 + 4) / width);
        double h = Math.min(1, (2 * margin + text.height + baseline[0] + thick + 6) / height);
        return new MotionOptions.Zone(0, 1 - h, w, h);
    }

    /**
     * {@code z}, a zone of the picture as a source gives it, where it is after the turn and flip of {@code p}.
     */
    static MotionOptions.Zone turned(MotionOptions.Zone z, Processing p) {
        MotionOptions.Zone t = switch (p.rotate()) {
            case 90 -> new MotionOptions.Zone(1 - z.y() - z.h(), z.x(), z.h(), z.w());
            case 180 -> new MotionOptions.Zone(1 - z.x() - z.w(), 1 - z.y() - z.h(), z.w(), z.h());
            case 270 -> new MotionOptions.Zone(z.y(), 1 - z.x() - z.w(), z.h(), z.w());
            default -> z;
        };
        boolean h = p.flip() == Processing.Flip.HORIZONTAL || p.flip() == Processing.Flip.BOTH;
        boolean v = p.flip() == Processing.Flip.VERTICAL || p.flip() == Processing.Flip.BOTH;
        return new MotionOptions.Zone(h ? 1 - t.x() - t.w() : t.x(), v ? 1 - t.y() - t.h() : t.y(), t.w(), t.h());
    }

    private static double scale(int rows) {
        return Math.max(0.4, rows / 480.0 * 0.7);
    }

    private static int thickness(double scale) {
        return Math.max(1, (int) Math.round(scale * 1.5));
    }

    private static int margin(double scale) {
        return Math.max(4, (int) Math.round(10 * scale));
    }

    /** White text with a dark outline, readable on any picture, scaled to the picture's height. */
    private static void draw(Mat m, String text) {
        double scale = scale(m.rows());
        int thick = thickness(scale);
        int margin = margin(scale);
        int[] baseline = new int[1];
        Imgproc.getTextSize(text, Imgproc.FONT_HERSHEY_SIMPLEX, scale, thick, baseline);
        Point at = new Point(margin, m.rows() - margin - baseline[0]);
        Imgproc.putText(m, text, at, Imgproc.FONT_HERSHEY_SIMPLEX, scale, BLACK, thick + 3, Imgproc.LINE_AA);
        Imgproc.putText(m, text, at, Imgproc.FONT_HERSHEY_SIMPLEX, scale, WHITE, thick, Imgproc.LINE_AA);
    }

    @Override
    public void close() {
        if (rotated != null) {
            rotated.release();
        }
    }
}
