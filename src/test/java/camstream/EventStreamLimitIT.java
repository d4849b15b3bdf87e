package camstream;

import camstream.it.support.Await;
import camstream.support.EmbeddedCamstream;
import camstream.support.StalledSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /events} holds at most 256 streams at once: the next caller gets 503 with
 * {@code Retry-After} and a line that says why, the cameras' other endpoints go on, and streams whose
 * clients went away make room again (found at the next keep-alive).
 */
class EventStreamLimitIT {

    private static final int MAX = 256;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final EmbeddedCamstream server = new EmbeddedCamstream(Map.of(
            "camstream.cameras", "yard",
            "camstream.camera.yard.source", "test-pattern",
            "camstream.camera.yard.width", "320",
            "camstream.camera.yard.height", "240",
            "camstream.camera.yard.motion", "on"));

    @Test
    void theStreamAfterTheLastOneAllowedIsRefusedWithAReasonUntilOthersLeave() throws Exception {
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX; i++) {
                open.add(openEvents(server.uri("events")));
            }
            Answer refused = get("events");
            assertEquals(503, refused.status(), refused.body());
            assertEquals("5", refused.retryAfter());
            assertTrue(refused.body().contains("too many event streams are open (256)"), refused.body());
            assertEquals(200, get("snapshot/yard").status(), "the camera's snapshot is still served");
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        Await.until(Duration.ofSeconds(45), "an event stream is let in once the others left",
                () -> get("events?camera=yard").status() == 200);
    }

    /** Sends the request on a socket of its own and reads the response head; the stream stays open. */
    private static Socket openEvents(URI uri) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), uri.getPort());
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1:" + uri.getPort()
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = StalledSocket.readHead(s.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        assertTrue(head.toLowerCase(Locale.ROOT).contains("content-type: text/event-stream"), head);
        return s;
    }

    private record Answer(int status, String retryAfter, String body) {
    }

    /** A GET; an event stream that is let in is left after its head, anything else is read to its end. */
    private static Answer get(String path) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            String body = r.statusCode() == 200 && path.startsWith("events") ? ""
                    : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null), body);
        }
    }
}
