package camstream.camera;

import camstream.source.SourceException;
import org.opencv.core.CvException;

/** What viewers and the log are told when a camera's session fails: short and in words. */
final class FailureReason {

    private FailureReason() {
    }

    /**
     * @param source the source, as described to viewers
     * @param doing  the call that failed ("open", "read", "decode"...)
     */
    static String of(Throwable t, String source, String doing) {
        if (t instanceof SourceException) {
            return t.getMessage();
        }
        String detail;
        if (t instanceof CvException) {
            String m = String.valueOf(t.getMessage());
            int at = m.indexOf("error: ");
            detail = "OpenCV error " + (at >= 0 ? m.substring(at + 7) : m).strip();
        } else if (t instanceof IllegalArgumentException && t.getMessage() != null) {
            detail = t.getMessage();
        } else {
            // Viewers read the reason: words, not a class name; the log adds the class (failureDetail).
            detail = "unexpected error" + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        return source + ": " + detail.lines().findFirst().orElse(detail) + " (during " + doing + ")";
    }
}
