package camstream.support;

import camstream.it.support.Tools;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a test reads of recordings: a camera's /status, and ffprobe's view of a file. */
public final class Recordings {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Recordings() {
    }

    /** The camera's object in /status. */
    public static JsonObject status(URI statusUri, String camera) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(statusUri + "?camera=" + camera)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("cameras").get(0).getAsJsonObject();
    }

    /** The camera's recordings in /status, newest first. */
    public static List<JsonObject> list(URI statusUri, String camera) throws Exception {
        JsonArray a = status(statusUri, camera).getAsJsonArray("recordings");
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : a) {
            out.add(e.getAsJsonObject());
        }
        return out;
    }

    /** What ffprobe says of a file: codec, frames it decoded, duration in seconds. */
    public record Probe(String codec, int frames, double seconds, String output) {
    }

    public static Probe probe(Path file) throws Exception {
        Path ffprobe = Tools.require("/usr/bin/ffprobe");
        Tools.Result r = Tools.run(120, file.getParent(), List.of(ffprobe.toString(), "-v", "error", "-count_frames",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,nb_read_frames:format=duration",
                "-of", "default=noprint_wrappers=1", file.toString()));
        assertEquals(0, r.exitCode(), file + ": " + r.output());
        String codec = null;
        int frames = -1;
        double seconds = -1;
        for (String l : r.output().strip().lines().toList()) {
            if (l.startsWith("codec_name=")) {
                codec = l.substring(11);
            } else if (l.startsWith("nb_read_frames=")) {
                frames = Integer.parseInt(l.substring(15));
            } else if (l.startsWith("duration=") && !l.endsWith("N/A")) {
                seconds = Double.parseDouble(l.substring(9));
            }
        }
        return new Probe(codec, frames, seconds, r.output());
    }

    /** Decodes the whole file with ffmpeg: the number of errors it reported (0 for a file that plays). */
    public static Tools.Result decode(Path file) throws Exception {
        Path ffmpeg = Tools.require("/usr/bin/ffmpeg");
        return Tools.run(120, file.getParent(), List.of(ffmpeg.toString(), "-v", "error", "-i", file.toString(),
                "-f", "null", "-"));
    }
}
