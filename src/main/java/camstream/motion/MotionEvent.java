package camstream.motion;

import java.time.Instant;

/**
 * One stretch of motion on a camera.
 *
 * @param id       this camera's count of events, from 1
 * @param end      null while the motion lasts
 * @param peakArea the largest share of the picture that moved at once (0..1)
 * @param snapshot a JPEG of the picture with the most motion; null while there is none yet
 */
public record MotionEvent(String camera, long id, Instant start, Instant end, double peakArea, byte[] snapshot) {

    /** Whether the motion still lasts. */
    public boolean ongoing() {
        return end == null;
    }
}
