package camstream.web;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * The text messages a socket sends its page, as JSON (pictures are binary messages), which the page
 * shows on that camera's tile: why a camera the page asked for is not sent, or why it comes as
 * pictures although the page asked for H.264.
 * <pre>
 *   {"camera":"front","refused":"camera 'front' makes at most 4 variants ... at once"}
 *   {"camera":"front","pictures":"camera 'front' sends no H.264: OpenH264 ... is not installed"}
 * </pre>
 */
final class Notice {

    /** Read by JSON.parse and shown as text, never as HTML: no need to escape quotes as \\u0027. */
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private record Refusal(String camera, String refused) {
    }

    private record Pictures(String camera, String pictures) {
    }

    private Notice() {
    }

    static String refused(String camera, String why) {
        return GSON.toJson(new Refusal(camera, why));
    }

    static String pictures(String camera, String why) {
        return GSON.toJson(new Pictures(camera, why));
    }
}
