package camstream.motion;

import com.google.gson.Gson;

/**
 * A motion event as /status, {@code GET /events} and the webhook show it; {@code end} null while it
 * lasts; {@code snapshot} relative to the webapp, null while there is none.
 */
public record EventJson(String camera, long id, String start, String end, double peakArea, String snapshot) {

    private static final Gson GSON = new Gson().newBuilder().serializeNulls().create();

    public static EventJson of(MotionEvent e) {
        return new EventJson(e.camera(), e.id(), e.start().toString(), e.end() == null ? null : e.end().toString(),
                Math.round(e.peakArea() * 1000) / 1000.0,
                e.snapshot() == null ? null : "events/" + e.camera() + "/" + e.id() + ".jpg");
    }

    /** On one line. */
    public String toJson() {
        return GSON.toJson(this);
    }
}
