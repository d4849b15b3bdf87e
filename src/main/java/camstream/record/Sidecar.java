package camstream.record;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A recording's {@code {base}.json}, written when it is closed:
 * {@code {"start":"ISO-8601","seconds":12.34,"kind":"motion","format":"mp4","pictures":N}}. Gson is
 * loaded only here, once there are recordings.
 */
final class Sidecar {

    private static final Gson GSON = new Gson();

    /** What the Library needs of it. */
    record Content(Instant start, double seconds) {
    }

    private Sidecar() {
    }

    /** The sidecar's start and length, or null when it is not one (written by hand, cut short). */
    static Content read(Path file) throws IOException {
        try {
            JsonObject j = GSON.fromJson(Files.readString(file), JsonObject.class);
            return new Content(Instant.parse(j.get("start").getAsString()), j.get("seconds").getAsDouble());
        } catch (JsonParseException | DateTimeParseException | NullPointerException | UnsupportedOperationException
                 | IllegalStateException | NumberFormatException e) {
            return null;
        }
    }

    static void write(Path folder, String base, Instant start, double seconds, String kind, String format, int pictures)
            throws IOException {
        JsonObject j = new JsonObject();
        j.addProperty("start", start.toString());
        j.addProperty("seconds", Math.round(seconds * 100) / 100.0);
        j.addProperty("kind", kind);
        j.addProperty("format", format);
        j.addProperty("pictures", pictures);
        Library.writeAtomically(folder.resolve(base + ".json"), GSON.toJson(j).getBytes(StandardCharsets.UTF_8), 0, -1);
    }
}
