package camstream.camera;

import camstream.motion.Motion;
import org.opencv.core.Mat;

/**
 * Motion detection's share of the capture thread: whether a picture is to be decoded and converted for
 * it now (a few a second, whether anyone watches or not), and the hand-over of the finished picture.
 * {@link #OFF} when the camera detects no motion. Capture thread only.
 */
final class MotionTap {

    static final MotionTap OFF = new MotionTap(null);

    private final Motion motion;

    MotionTap(Motion motion) {
        this.motion = motion;
    }

    /** Whether motion is detected at all: a decoder of coded video then needs every picture. */
    boolean on() {
        return motion != null;
    }

    /** Whether motion detection takes the next picture: it needs its pixels. */
    boolean due() {
        return motion != null && motion.due();
    }

    /** Whether a picture no output wants was read only for motion detection, which does not take it now. */
    boolean skips(boolean outputWanted) {
        return motion != null && !outputWanted && !motion.due();
    }

    /** Hands the converted and transformed picture over, if due. */
    void offer(Mat picture, long captureMicros) {
        if (motion != null) {
            motion.offer(picture, captureMicros);
        }
    }
}
