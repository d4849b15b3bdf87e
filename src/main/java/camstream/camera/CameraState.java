package camstream.camera;

import camstream.camera.CameraStatus.State;
import camstream.stream.Via;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * What a camera's threads share: its one status value, replaced whole, and what the capture thread
 * is inside of (an open, a read, a decode) and since when, one immutable value too. The capture loop
 * writes both; the watchdog reads them and may put the camera in NO SIGNAL; the page, {@code /status}
 * and {@code /metrics} read the status. Each change of state is logged here, once.
 */
final class CameraState {

    private static final Logger LOG = Logger.getLogger(CameraState.class.getName());

    /**
     * A call of the capture thread into its source that has not returned yet.
     *
     * @param what       "open", "read", "decode" or "process", for the log and the NO SIGNAL reason
     * @param sinceNanos {@link Clock#nanoTime} when it began
     */
    record Busy(String what, long sinceNanos) {
    }

    /** A NO SIGNAL reason that names a relay loop, and the path its placeholder carries ({@link Via#loopTo}). */
    private record Loop(String reason, Via path) {
    }

    private final String id;
    private final Clock clock;
    private final AtomicReference<CameraStatus> status;
    /** Null while the capture thread is in no call that may hang. */
    private volatile Busy busy;
    /** The last relay loop found; it holds while the status still gives its reason. */
    private volatile Loop loop;

    CameraState(String id, Clock clock, CameraStatus initial) {
        this.id = id;
        this.clock = clock;
        this.status = new AtomicReference<>(initial);
    }

    CameraStatus status() {
        return status.get();
    }

    Busy busy() {
        return busy;
    }

    void busy(String what) {
        busy = new Busy(what, clock.nanoTime());
    }

    void notBusy() {
        busy = null;
    }

    boolean compareAndSet(CameraStatus expected, CameraStatus next) {
        return status.compareAndSet(expected, next);
    }

    void update(UnaryOperator<CameraStatus> change) {
        status.updateAndGet(change);
    }

    /**
     * The path a placeholder carries now: the relay loop the NO SIGNAL reason names, so that the other
     * cameras of the loop learn that they are in it; null for the camera's own hop.
     */
    Via placeholderPath() {
        Loop l = loop;
        CameraStatus s = status.get();
        return l != null && s.state() == State.NO_SIGNAL && s.reason().equals(l.reason()) ? l.path() : null;
    }

    /** Nobody watches: the source is closed (a NO SIGNAL keeps its reason, without a next try). */
    void idle() {
        status.updateAndGet(s -> switch (s.state()) {
            case NO_SIGNAL -> s.nextRetry() == null ? s : s.to(State.NO_SIGNAL, s.reason(), null, clock.now());
            case IDLE -> s;
            default -> s.to(State.IDLE, "nobody is watching", null, clock.now());
        });
    }

    /** The source is being opened; a camera in NO SIGNAL keeps showing why until pictures flow. */
    void opening(String source) {
        status.updateAndGet(s -> s.state() == State.NO_SIGNAL ? s.to(State.NO_SIGNAL, s.reason(), null, clock.now())
                : s.to(State.OPENING, "opening " + source, null, clock.now()));
    }

    /** Pictures flow from {@code source}, from now. */
    void live(String source) {
        Instant now = clock.now();
        CameraStatus was = status.getAndSet(
                new CameraStatus(State.LIVE, "live from " + source, source, now, now, null, 0));
        if (was.state() == State.NO_SIGNAL) {
            String gap = was.lastFrame() == null ? ""
                    : " after " + Duration.between(was.lastFrame(), now).toSeconds() + " s without a picture";
            LOG.info(() -> "Camera '" + id + "': live again from " + source + gap);
        } else if (was.state() != State.LIVE) {
            LOG.info(() -> "Camera '" + id + "': live from " + source);
        }
    }

    /**
     * The camera shows NO SIGNAL for {@code reason} until {@code nextRetry} (null: none scheduled);
     * logged only when the reason is new, with {@code detail} (the failure's class, for a bug) appended.
     * {@code loopPath}, if not null, is the relay loop the reason names, for the placeholder to carry.
     */
    void noSignal(String reason, Instant nextRetry, String detail, Via loopPath) {
        loop = loopPath == null ? null : new Loop(reason, loopPath);
        Instant now = clock.now();
        CameraStatus was = status.getAndUpdate(s -> s.state() == State.NO_SIGNAL && s.reason().equals(reason)
                ? new CameraStatus(State.NO_SIGNAL, reason, s.source(), s.since(), s.lastFrame(), nextRetry, 0)
                : s.to(State.NO_SIGNAL, reason, nextRetry, now));
        if (was.state() != State.NO_SIGNAL || !was.reason().equals(reason)) {
            LOG.warning(() -> "Camera '" + id + "': no signal: " + reason + "; retrying while viewers watch" + detail);
        }
    }
}
