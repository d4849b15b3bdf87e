package camstream.camera;

import camstream.NativeOpenCv;
import camstream.config.MotionOptions.Zone;
import camstream.config.Processing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the zones motion detection masks by itself end up on the picture that is sent. */
class TransformZonesTest {

    @BeforeAll
    static void loadOpenCv() {
        assertNull(NativeOpenCv.load());
    }

    @Test
    void aZoneOfTheSourcesPictureTurnsAndFlipsWithIt() {
        Zone source = new Zone(0.1, 0.6, 0.3, 0.2);
        for (int rotate : new int[] {0, 90, 180, 270}) {
            for (Processing.Flip flip : Processing.Flip.values()) {
                Processing p = new Processing(rotate, flip, null, false, 0);
                Mat picture = new Mat(300, 400, CvType.CV_8UC1, new Scalar(0));
                Imgproc.rectangle(picture, new Point(40, 180), new Point(159, 239), new Scalar(255), -1);
                try (Transform t = Transform.of(p)) {
                    Mat out = t == null ? picture : t.apply(picture, new Mat(), 0);
                    Zone z = Transform.turned(source, p);
                    Rect r = new Rect((int) Math.round(z.x() * out.cols()), (int) Math.round(z.y() * out.rows()),
                            (int) Math.round(z.w() * out.cols()), (int) Math.round(z.h() * out.rows()));
                    String what = "rotate " + rotate + ", flip " + flip + ": " + z;
                    assertEquals(120 * 60, Core.countNonZero(out.submat(r)), what);
                    assertEquals(120 * 60, Core.countNonZero(out), what);
                }
            }
        }
    }

    @Test
    void theOverlayZoneHoldsTheTimeTheOverlayDraws() {
        Processing p = new Processing(0, Processing.Flip.NONE, "yyyy-MM-dd HH:mm:ss", false, 0);
        Mat picture = new Mat(480, 640, CvType.CV_8UC3, new Scalar(0, 0, 0));
        try (Transform t = Transform.of(p)) {
            Mat out = t.apply(picture, new Mat(), System.currentTimeMillis() * 1000);
            Zone z = Transform.overlayZone(p, 640, 480);
            Rect r = new Rect(0, (int) (z.y() * 480), (int) Math.ceil(z.w() * 640), 480 - (int) (z.y() * 480));
            Mat grey = new Mat();
            Imgproc.cvtColor(out, grey, Imgproc.COLOR_BGR2GRAY);
            int all = Core.countNonZero(grey);
            assertTrue(all > 500, "the overlay drew " + all + " pixels");
            assertEquals(all, Core.countNonZero(grey.submat(r)), "all inside " + z);
            assertTrue(z.w() < 0.7 && z.h() < 0.2, "and not much more: " + z);
        }
    }
}
