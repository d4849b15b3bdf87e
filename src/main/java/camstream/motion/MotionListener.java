package camstream.motion;

/** Told of a camera's motion events on its motion thread: must not block. */
public interface MotionListener {

    void motionStarted(MotionEvent event);

    void motionEnded(MotionEvent event);
}
