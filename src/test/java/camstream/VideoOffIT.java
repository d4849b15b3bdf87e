package camstream;

import camstream.support.EmbeddedCamstream;
import camstream.support.MjpegStream;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without OpenH264 H.264 is off: the MP4 stream says why and what to install, and the pictures go on as before. */
class VideoOffIT {

    @RegisterExtension
    static final EmbeddedCamstream server = new EmbeddedCamstream(Map.of(
            "camstream.cameras", "cam",
            "camstream.width", "160", "camstream.height", "120", "camstream.fps", "10",
            "camstream.openh264Library", "libnope.so.1"));

    private static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theMp4StreamIsRefusedWithTheReasonAndWhatToInstall() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("stream/cam.mp4")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, r.statusCode());
        assertTrue(r.body().startsWith("camera 'cam' sends no H.264: OpenH264 (libnope.so.1) did not load: "), r.body());
        assertTrue(r.body().contains("install the package libopenh264-7 (Debian/Ubuntu) or set camstream.openh264Library"),
                r.body());
        assertEquals(1, r.body().strip().lines().count(), "one line, no stack trace: " + r.body());
    }

    @Test
    void statusSaysH264IsOffAndWhy() throws Exception {
        JsonObject status = JsonParser.parseString(http.send(HttpRequest.newBuilder(server.uri("status")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).getAsJsonObject();
        String lib = status.getAsJsonObject("nativeLibraries").get("openh264").getAsString();
        assertTrue(lib.startsWith("not loaded: OpenH264 (libnope.so.1) did not load"), lib);
        JsonObject h264 = status.getAsJsonArray("cameras").get(0).getAsJsonObject().getAsJsonObject("h264");
        assertEquals("off", h264.get("state").getAsString());
        assertTrue(h264.get("reason").getAsString().contains("libopenh264-7"), h264.toString());
    }

    @Test
    void theJpegStreamIsUnaffected() throws Exception {
        try (MjpegStream s = MjpegStream.open(server.uri("stream/cam"))) {
            for (int i = 0; i < 3; i++) {
                assertTrue(s.next().body().length > 100);
            }
        }
    }
}
