package camstream.motion;

import camstream.NativeOpenCv;
import camstream.config.MotionOptions.Zone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detector and the event tracker together, on synthetic 640x480 scenes sampled as a camera's
 * are: five pictures a second, made small and grey by {@link Motion#grey}.
 */
class DetectorTest {

    private static final int W = 640;
    private static final int H = 480;
    private static final long PERIOD_MICROS = 200_000;

    private final Mat scene = new Mat(H, W, CvType.CV_8UC3);
    private final Mat frame = new Mat();
    private final Mat small = new Mat();
    private final Mat grey = new Mat();

    @BeforeAll
    static void loadOpenCv() {
        assertNull(NativeOpenCv.load());
    }

    DetectorTest() {
        // A still scene with things in it: a gradient, a few shapes and fine texture.
        for (int y = 0; y < H; y += 8) {
            Imgproc.rectangle(scene, new Point(0, y), new Point(W, y + 8), new Scalar(60 + y / 4, 90 + y / 6, 110), -1);
        }
        Imgproc.circle(scene, new Point(500, 150), 60, new Scalar(30, 160, 200), -1);
        Imgproc.rectangle(scene, new Point(50, 300), new Point(250, 420), new Scalar(200, 200, 210), -1);
        for (int x = 0; x < W; x += 16) {
            Imgproc.line(scene, new Point(x, 0), new Point(x, H), new Scalar(40, 40, 40), 1);
        }
    }

    @AfterEach
    void release() {
        for (Mat m : List.of(scene, frame, small, grey)) {
            m.release();
        }
    }

    /** What happened over a run of samples: the tracker's changes with their sample numbers. */
    private record Run(List<Integer> starts, List<Integer> ends, EventTracker tracker) {
    }

    /** Feeds {@code samples} pictures that {@code picture} draws into {@link #frame} through a detector and a tracker. */
    private Run run(int samples, int sensitivity, List<Zone> zones, IntFunction<Mat> picture) {
        EventTracker tracker = new EventTracker(0.01, 3_000_000);
        List<Integer> starts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        try (Detector detector = new Detector(sensitivity, zones)) {
            for (int i = 0; i < samples; i++) {
                Motion.grey(picture.apply(i), small, grey);
                switch (tracker.sample(i * PERIOD_MICROS, detector.detect(grey))) {
                    case STARTED -> starts.add(i);
                    case ENDED -> ends.add(i);
                    default -> { }
                }
            }
        }
        return new Run(starts, ends, tracker);
    }

    private Mat still(int i) {
        scene.copyTo(frame);
        return frame;
    }

    @Test
    void aRectangleThatMovesInAStillSceneMakesOneEventFromItsFirstMoveToItsLast() {
        // Still for 5 s (samples 0-24), moving for 4 s (25-44), still again for 6 s.
        Run r = run(75, 50, List.of(), i -> {
            scene.copyTo(frame);
            int x = 100 + 20 * Math.max(0, Math.min(i, 45) - 25);
            Imgproc.rectangle(frame, new Point(x, 120), new Point(x + 120, 240), new Scalar(20, 20, 20), -1);
            return frame;
        });
        assertEquals(List.of(28), r.starts(), "one start, told at the third picture in a row with motion");
        assertEquals(1, r.ends().size(), "one end");
        long start = r.tracker().startMicros();
        long end = r.tracker().lastMotionMicros();
        assertEquals(26 * PERIOD_MICROS, start, "starts at the first move");
        assertTrue(end >= 45 * PERIOD_MICROS && end <= 48 * PERIOD_MICROS, "ends within 0.6 s of the last move: " + end);
        assertTrue(r.ends().get(0) * PERIOD_MICROS - end >= 3_000_000, "told after 3 s without motion");
        assertTrue(r.tracker().peak() > 0.01 && r.tracker().peak() < 0.3, "peak " + r.tracker().peak());
    }

    @Test
    void sensorNoiseMakesNoEventEvenAtHighSensitivity() {
        Mat noisy = new Mat();
        Mat noise = new Mat(H, W, CvType.CV_16SC3);
        Run r = run(50, 90, List.of(), i -> {
            scene.convertTo(noisy, CvType.CV_16SC3);
            Core.randn(noise, 0, 8);
            Core.add(noisy, noise, noisy);
            noisy.convertTo(frame, CvType.CV_8UC3);
            return frame;
        });
        noisy.release();
        noise.release();
        assertEquals(List.of(), r.starts());
    }

    @Test
    void aLightSwitchedOnOrFlickeringMakesNoEvent() {
        // Dimmed by 40 at 2 s, a flicker of 25 from 5 s, half bright again at 8 s.
        Run r = run(60, 50, List.of(), i -> {
            double shift = i < 10 ? 0 : i < 25 ? -40 : i < 40 ? (i % 2 == 0 ? 25 : -25) : 60;
            Core.add(scene, new Scalar(shift, shift, shift), frame);
            if (i >= 40) {
                Core.multiply(scene, new Scalar(1.5, 1.5, 1.5), frame);
            }
            return frame;
        });
        assertEquals(List.of(), r.starts());
    }

    @Test
    void aClockInAMaskedZoneMakesNoEventButOutsideOneItDoes() {
        IntFunction<Mat> clock = i -> {
            scene.copyTo(frame);
            Imgproc.putText(frame, "12:00:" + (10 + i % 50) + " frame " + i * 7, new Point(10, 460),
                    Imgproc.FONT_HERSHEY_SIMPLEX, 1.4, new Scalar(255, 255, 255), 3);
            return frame;
        };
        assertEquals(List.of(), run(40, 50, List.of(new Zone(0, 2 / 3.0, 1, 1 / 3.0)), clock).starts());
        assertEquals(1, run(40, 50, List.of(), clock).starts().size(), "the same clock unmasked is motion");
    }

    @Test
    void aMovementSmallerThanTheMinimumAreaMakesNoEvent() {
        Run r = run(40, 50, List.of(), i -> {
            scene.copyTo(frame);
            Imgproc.circle(frame, new Point(300 + 3 * i, 100), 6, new Scalar(0, 0, 0), -1);
            return frame;
        });
        assertEquals(List.of(), r.starts());
    }

    @Test
    void oneOddSampleStartsNoEvent() {
        EventTracker t = new EventTracker(0.01, 3_000_000);
        assertEquals(EventTracker.Change.NONE, t.sample(0, 0.2));
        assertEquals(EventTracker.Change.NONE, t.sample(200_000, 0));
        assertEquals(EventTracker.Change.NONE, t.sample(400_000, 0.2));
        assertEquals(EventTracker.Change.NONE, t.sample(600_000, 0.2));
        assertEquals(EventTracker.Change.STARTED, t.sample(800_000, 0.2));
        assertEquals(400_000, t.startMicros());
        assertEquals(EventTracker.Change.NONE, t.idle(3_700_000));
        assertEquals(EventTracker.Change.ENDED, t.idle(3_800_000));
        assertEquals(800_000, t.lastMotionMicros());
    }
}
