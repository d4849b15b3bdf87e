package camstream.web;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * The text messages a socket sends its page, as JSON (pictures are binary messages): for now, why a
 * camera the page asked for is not sent, which the page shows on that camera's tile.
 * <pre>
 *   {"camera":"front","refused":"camera 'front' makes at most 4 variants ... at once"}
 * </pre>
 */
final class Notice {

    /** Read by JSON.parse and shown as text, never as HTML: no need to escape quotes as \\u0027. */
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private record Refusal(String camera, String refused) {
    }

    private Notice() {
    }

    static String refused(String camera, String why) {
        return GSON.toJson(new Refusal(camera, why));
    }
}
