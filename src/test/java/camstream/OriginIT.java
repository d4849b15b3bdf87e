package camstream;

import camstream.support.EmbeddedCamstream;
import camstream.support.LogCapture;
import camstream.support.PictureSocket;
import camstream.support.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser page may use camstream only from camstream's own origins, and a request's {@code Host}
 * does not make an origin its own: after DNS rebinding, a page at {@code http://evil.example:PORT}
 * reaches camstream's address, and its browser sends {@code Origin} and {@code Host} both naming
 * evil.example. Requests are written by hand, as such a browser sends them.
 */
class OriginIT {

    private static final String PUBLIC = "https://cams.example.com";
    private static final String DASHBOARD = "https://dash.example.com";

    private static LogCapture log;
    private static EmbeddedCamstream server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        log = new LogCapture();
        server = EmbeddedCamstream.start(Map.of(
                "camstream.cameras", "one",
                "camstream.width", "160", "camstream.height", "120", "camstream.fps", "10",
                "camstream.publicOrigins", PUBLIC,
                "camstream.cors.allowOrigin", DASHBOARD));
        port = server.uri("").getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        log.close();
    }

    @Test
    void aPageThatDnsRebindingPutOnAnotherNameCannotOpenTheSocketWhateverHostSays() throws Exception {
        for (String[] hostAndOrigin : List.of(
                new String[] {"evil.example", "http://evil.example"},
                new String[] {"evil.example:" + port, "http://evil.example:" + port},
                new String[] {"127.0.0.1:" + port, "http://evil.example:" + port},
                new String[] {"127.0.0.1:" + port, "http://127.0.0.1:" + (port + 1)},
                new String[] {"127.0.0.1:" + port, "null"})) {
            RawHttp.Head head = RawHttp.upgrade(socket(), hostAndOrigin[0], hostAndOrigin[1]);
            assertEquals(403, head.status(), String.join(" ", hostAndOrigin) + ": " + head.text());
        }
        assertTrue(log.warnings().stream().anyMatch(w -> w.startsWith("Refused a page at http://evil.example")
                && w.contains("add it to camstream.publicOrigins")), String.join("\n", log.warnings()));
    }

    @Test
    void camstreamsOwnPagesOpenTheSocketAtEachOfItsNamesWhateverHostSays() throws Exception {
        for (String[] hostAndOrigin : List.of(
                new String[] {"127.0.0.1:" + port, "http://127.0.0.1:" + port},
                new String[] {"evil.example", "http://127.0.0.1:" + port},
                new String[] {"localhost:" + port, "http://localhost:" + port},
                // behind a reverse proxy that passes the name users type on: proxy_set_header Host $host
                new String[] {"cams.example.com", PUBLIC},
                // behind one that does not
                new String[] {"127.0.0.1:" + port, PUBLIC})) {
            RawHttp.Head head = RawHttp.upgrade(socket(), hostAndOrigin[0], hostAndOrigin[1]);
            assertEquals(101, head.status(), String.join(" ", hostAndOrigin) + ": " + head.text());
        }
        try (PictureSocket s = PictureSocket.open(socket(), "http://127.0.0.1:" + port).watch("one")) {
            s.next(Duration.ofSeconds(15));
        }
    }

    @Test
    void anHttpRequestFromAPageOfAnotherNameIsRefusedUnlessCorsAllowsIt() throws Exception {
        for (String path : List.of("snapshot/one", "status", "", "camstream.css")) {
            RawHttp.Head evil = RawHttp.get(server.uri(path), "evil.example", "http://evil.example");
            assertEquals(403, evil.status(), path + ": " + evil.text());
            assertTrue(evil.header("Access-Control-Allow-Origin").isEmpty(), evil.text());
            RawHttp.Head own = RawHttp.get(server.uri(path), "evil.example", "http://127.0.0.1:" + port);
            assertEquals(200, own.status(), path + ": " + own.text());
            assertTrue(own.header("Access-Control-Allow-Origin").isEmpty(), "a page of its own needs no CORS: " + own.text());
        }
        RawHttp.Head dashboard = RawHttp.get(server.uri("status"), "127.0.0.1:" + port, DASHBOARD);
        assertEquals(200, dashboard.status());
        assertEquals(DASHBOARD, dashboard.header("Access-Control-Allow-Origin"));
        assertEquals(200, RawHttp.get(server.uri("status"), "cams.example.com", PUBLIC).status());
        // A browser sends no Origin with a GET of its page's own origin: only a login or a token protects those.
        assertEquals(200, RawHttp.get(server.uri("status"), "evil.example", null).status());
    }

    private static URI socket() {
        return PictureSocket.ws(server.uri("socket"));
    }
}
