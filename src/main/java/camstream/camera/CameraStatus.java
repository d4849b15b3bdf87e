package camstream.camera;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Everything the page, {@code /metrics} and snapshots know about a camera, as one immutable value
 * that is replaced in one write: they can never show a state next to another state's reason.
 *
 * @param state     what the camera is doing
 * @param reason    one line in words: what it shows, or why it shows nothing
 * @param source    the source in a few words, e.g. "device 0" or "file clip.avi"
 * @param since     when it entered this state
 * @param lastFrame when the last live picture was captured, or null if none yet
 * @param nextRetry when the source will be opened again, or null if no retry is scheduled
 * @param fps       live pictures per second over the last second or so (0 unless live)
 */
public record CameraStatus(State state, String reason, String source, Instant since, Instant lastFrame,
                           Instant nextRetry, double fps) {

    public enum State {
        /** Nobody watches; the source is closed. */
        IDLE,
        /** The source is being opened. */
        OPENING,
        /** Pictures flow. */
        LIVE,
        /** The source failed or stopped answering; viewers see a placeholder saying why. */
        NO_SIGNAL,
        /** A setting is wrong; nothing is tried until the settings change. */
        MISCONFIGURED;

        /** Lower case with a dash, as in the page and the metrics: {@code no-signal}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The same camera in another state, from {@code now}. */
    CameraStatus to(State newState, String newReason, Instant newNextRetry, Instant now) {
        return new CameraStatus(newState, newReason, source, now, lastFrame, newNextRetry,
                newState == State.LIVE ? fps : 0);
    }

    CameraStatus withFrame(Instant frame, double newFps) {
        return new CameraStatus(state, reason, source, since, frame, nextRetry, newFps);
    }

    CameraStatus withSource(String newSource) {
        return new CameraStatus(state, reason, newSource, since, lastFrame, nextRetry, fps);
    }

    /** True when viewers see a placeholder instead of a picture. */
    public boolean failing() {
        return state == State.NO_SIGNAL || state == State.MISCONFIGURED;
    }

    /** {@link #reason} as viewers see it: file names without their folders. The log keeps the whole text. */
    public String publicReason() {
        return withoutFolders(reason);
    }

    /** {@link #source} as viewers see it. */
    public String publicSource() {
        return withoutFolders(source);
    }

    /**
     * Strips the folders from absolute paths in {@code text} ({@code file:/srv/cam/clip.avi} → {@code file:clip.avi}),
     * but not from device nodes ({@code /dev/video0}) or URLs: where a server keeps its files is not the viewers' business.
     */
    public static String withoutFolders(String text) {
        return text == null ? null : FOLDERS.matcher(text).replaceAll("");
    }

    private static final Pattern FOLDERS = Pattern.compile("(?<=^|[\\s'\"(=,]|file:)(?!/dev/)/(?:[^/\\s'\"()]+/)+(?=[^/\\s'\"()])");
}
