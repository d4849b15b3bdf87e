package camstream;

import camstream.it.support.Await;
import camstream.support.EmbeddedCamstream;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import camstream.support.PictureSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way in to a camera passes one gate, and what it holds comes back exactly once however it ends.
 * Camera {@code one} has two viewer places and one variant: after each scenario exactly two streams get
 * in and a third is refused (a place never given back would refuse the second, one given back twice
 * would let the third in), and no variant is left.
 */
class GateIT {

    private static final String TOKEN = "gate-s3cret-0815";
    private static final String LIMIT = "camera 'one' already has its maximum of 2 viewers; try again later";

    @RegisterExtension
    static final EmbeddedCamstream server = new EmbeddedCamstream(Map.of(
            "camstream.cameras", "one,locked,other",
            "camstream.camera.one.maxViewers", "2",
            "camstream.camera.one.maxVariants", "1",
            "camstream.camera.locked.token", TOKEN,
            "camstream.width", "160", "camstream.height", "120", "camstream.fps", "10",
            "camstream.idleTimeout", "2",
            "camstream.stallTimeout", "2"));

    private static final HttpClient http = HttpClient.newHttpClient();
    private Metrics metrics;

    @BeforeEach
    void nothingHeldFromTheTestBefore() throws Exception {
        metrics = server.metrics();
        assertNothingHeld();
    }

    @Test
    void eachWayInRefusesWithItsStatusAndRefusedRequestsHoldNothing() throws Exception {
        for (String path : List.of("stream/locked", "snapshot/locked", "view/locked", "stream/locked?token=wrong")) {
            Answer r = get(path);
            assertEquals(403, r.status(), path);
            assertEquals("camera 'locked' needs its access token (?token=) or a login", r.body(), path);
        }
        assertEquals(403, get("stream/locked?width=wide").status(), "access is decided before the options are read");
        assertEquals(403, head("stream/locked").status());
        assertEquals(403, head("snapshot/locked").status());
        assertEquals(200, get("view/locked?token=" + TOKEN).status());
        assertEquals(200, head("stream/locked?token=" + TOKEN).status());
        for (String path : List.of("stream/one?width=wide", "snapshot/one?fps=0", "view/one?quality=101")) {
            assertEquals(400, get(path).status(), path);
        }
        assertEquals(200, head("stream/one").status());
        assertEquals(200, head("snapshot/one?width=80").status());
        assertEquals(200, get("view/one?width=80").status());
        assertEquals(0, metrics.get("camstream_variants", "one"), "a HEAD or a page holds no variant");
        assertNothingHeld();
    }

    @Test
    void whileACameraHasATokenAnUnknownIdIsAnsweredAsThatCameraIsSoIdsCannotBeProbed() throws Exception {
        for (String way : List.of("stream/", "snapshot/", "view/", "?action=stream&camera=", "?action=snapshot&camera=")) {
            for (String token : List.of("", "token=wrong", "token=" + TOKEN)) {
                String query = token.isEmpty() ? "" : (way.contains("?") ? "&" : "?") + token;
                Answer unknown = get(way + "nope" + query);
                assertEquals(403, unknown.status(), way + "nope" + query);
                assertEquals("camera 'nope' needs its access token (?token=) or a login", unknown.body(), way + query);
                if (!token.endsWith(TOKEN)) { // a token is one camera's: it proves nothing about another id
                    Answer locked = get(way + "locked" + query);
                    assertEquals(locked, new Answer(unknown.status(), unknown.retryAfter(), unknown.body().replace("nope", "locked")));
                }
            }
            if (!way.startsWith("view")) {
                assertEquals(head(way + "locked").status(), head(way + "nope").status(), "HEAD " + way);
            }
        }
        Answer numbered = get("?action=snapshot_7");
        assertEquals(403, numbered.status());
        assertEquals("camera '7' needs its access token (?token=) or a login", numbered.body());
        assertEquals(404, get("nope").status(), "a path that is no camera's is no camera id");
    }

    @Test
    void aViewerRefusedByTheVariantLimitGivesItsPlaceBack() throws Exception {
        try (MjpegStream small = MjpegStream.open(server.uri("stream/one?width=80"))) {
            small.next();
            for (int i = 0; i < 3; i++) {
                Answer r = get("stream/one?width=64");
                assertEquals(503, r.status());
                assertEquals("10", r.retryAfter());
                assertTrue(r.body().startsWith("camera 'one' makes at most 1 variant"), r.body());
                assertEquals(503, get("snapshot/one?width=64").status());
            }
            assertPlacesLeft(1);
        }
        assertNothingHeld();
    }

    @Test
    void aSnapshotGivesItsStreamBackOnceItsPictureIsSent() throws Exception {
        assertEquals(200, get("snapshot/one?width=80").status());
        assertNothingHeld();
    }

    @Test
    void aSocketThatLeavesAndRejoinsACameraHoldsOnePlaceForIt() throws Exception {
        try (PictureSocket s = PictureSocket.open(socket())) {
            for (int i = 0; i < 20; i++) {
                s.watch("one");
                s.watch("one?width=80");
                s.watch("other");
                s.watch("one", "one?width=80");
                s.watch();
            }
            long before = s.count("one");
            s.watch("one");
            SocketIT.awaitPictures(s, "one", (int) before + 3);
            assertPlacesLeft(1);
            assertEquals(0, metrics.get("camstream_variants", "one"));
        }
        assertNothingHeld();
    }

    @Test
    void aSocketRefusedByTheVariantLimitHoldsNoPlace() throws Exception {
        try (MjpegStream small = MjpegStream.open(server.uri("stream/one?width=80"));
             PictureSocket s = PictureSocket.open(socket())) {
            small.next();
            s.watch("one?width=64", "other");
            SocketIT.awaitPictures(s, "other", 3); // the request was read
            assertEquals(0, s.count("one"));
            assertPlacesLeft(1);
        }
        assertNothingHeld();
    }

    @Test
    void aSocketGivesItsPlacesBackWhenItsClientClosesIt() throws Exception {
        try (PictureSocket s = PictureSocket.open(socket()).watch("one", "one?width=80", "other")) {
            SocketIT.awaitPictures(s, "one", 1);
            assertPlacesLeft(1);
        }
        assertNothingHeld();
    }

    @Test
    void aSocketGivesItsPlacesBackWhenTheServerClosesIt() throws Exception {
        for (String request : List.of("watch one?width=wide", "subscribe one")) {
            try (PictureSocket s = PictureSocket.open(socket()).watch("one?width=80")) {
                SocketIT.awaitPictures(s, "one", 1);
                s.send(request);
                s.closed().get(10, TimeUnit.SECONDS);
            }
            assertNothingHeld();
        }
    }

    /**
     * Exactly {@code n} more streams of {@code one} get in (once the places of viewers that just left
     * came back), and the next is refused; then they leave.
     */
    private void assertPlacesLeft(int n) throws Exception {
        List<MjpegStream> open = new ArrayList<>();
        try {
            Await.until(Duration.ofSeconds(15), n + " places on camera one", () -> {
                while (open.size() < n) {
                    MjpegStream s = MjpegStream.open(server.uri("stream/one"));
                    open.add(s);
                    s.next();
                }
                return true;
            });
            Answer refused = get("stream/one");
            assertEquals(503, refused.status(), refused.body());
            assertEquals(LIMIT, refused.body());
        } finally {
            for (MjpegStream s : open) {
                s.close();
            }
        }
    }

    /** Both places of camera one free, and, once the streams that proved it left, no viewer and no variant. */
    private void assertNothingHeld() throws Exception {
        assertPlacesLeft(2);
        metrics.await("camstream_viewers", "one", v -> v == 0, Duration.ofSeconds(10));
        metrics.await("camstream_variants", "one", v -> v == 0, Duration.ofSeconds(10));
    }

    private static URI socket() {
        return PictureSocket.ws(server.uri("socket"));
    }

    /** A response's status, Retry-After and first line; a stream it may be is not read to its end. */
    private record Answer(int status, String retryAfter, String body) {
    }

    private static Answer get(String path) throws Exception {
        return send(HttpRequest.newBuilder(server.uri(path)));
    }

    private static Answer head(String path) throws Exception {
        return send(HttpRequest.newBuilder(server.uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    private static Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<InputStream> r = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            String body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            return new Answer(r.statusCode(), r.headers().firstValue("Retry-After").orElse(""),
                    body.lines().findFirst().orElse(""));
        }
    }
}
