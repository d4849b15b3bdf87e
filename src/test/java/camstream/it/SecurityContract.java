package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.Browser;
import camstream.it.support.ServletContainer;
import camstream.it.support.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's security descriptor (security/camstream-security.xml, unchanged but for its auth-method) in a
 * real distribution with the container's own user store. The WAR is deployed three times: {@code /camstream}
 * with BASIC and {@code camstream.metrics.access=open}, {@code /digest} with DIGEST, {@code /form} with FORM;
 * and three times more with the descriptor's block for cameras with tokens taken in and a token for
 * {@code front}: {@code /basic-tokens}, {@code /digest-tokens}, {@code /form-tokens}.
 * Clients are the ones people use: curl as Home Assistant and OctoPrint send their requests, and Chromium.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SecurityContract {

    static final String USER = "viewer";
    static final String PASSWORD = "s3cret-pass";
    /** A user who may also change recordings (the role camstream-admin). */
    static final String ADMIN = "keeper";
    static final Map<String, String> SETTINGS = Map.of(
            "camstream.cameras", "front",
            "camstream.width", "320",
            "camstream.height", "240",
            "camstream.fps", "10");
    /** Contexts with README's block for cameras with tokens: streams and snapshots left to camstream, front with a token. */
    static final List<String> TOKEN_CONTEXTS = List.of("basic-tokens", "digest-tokens", "form-tokens");
    static final String TOKEN = "front-token-0815";
    static final List<String> PROTECTED = List.of("/", "/stream/front", "/snapshot/front", "/status", "/?action=stream",
            "/?action=snapshot", "/camstream.css");

    ServletContainer container;
    Path work;

    /**
     * Whether the container's 401 challenges carry camstream's own error body. Jetty writes them with the
     * server's error handler, outside the webapp (README's hardening: without the server version).
     */
    abstract boolean ownChallengeBody();

    /** Starts the container with the WAR deployed under each context of {@code descriptors}, with that descriptor. */
    abstract ServletContainer start(Map<String, Path> descriptors, Map<String, Map<String, String>> params) throws Exception;

    @BeforeAll
    void startContainer() throws Exception {
        work = Files.createDirectories(Path.of("target", "it", getClass().getSimpleName() + "-files").toAbsolutePath());
        String descriptor = Files.readString(Path.of("security", "camstream-security.xml"), StandardCharsets.UTF_8);
        Map<String, Path> descriptors = new java.util.LinkedHashMap<>();
        Map<String, Map<String, String>> params = new java.util.HashMap<>();
        params.put("camstream", Map.of("camstream.metrics.access", "open"));
        for (String method : List.of("BASIC", "DIGEST", "FORM")) {
            String lower = method.toLowerCase(java.util.Locale.ROOT);
            String context = method.equals("BASIC") ? "camstream" : lower;
            String withMethod = descriptor.replace("<auth-method>BASIC</auth-method>", "<auth-method>" + method + "</auth-method>");
            descriptors.put(context, Files.writeString(work.resolve(context + "-security.xml"), withMethod, StandardCharsets.UTF_8));
            descriptors.put(lower + "-tokens", Files.writeString(work.resolve(lower + "-tokens-security.xml"),
                    withTokenBlock(withMethod), StandardCharsets.UTF_8));
            params.put(lower + "-tokens", Map.of("camstream.camera.front.token", TOKEN));
        }
        container = start(descriptors, params);
        container.awaitStatus(container.root("/camstream/"), 401);
        container.awaitStatus(container.root("/digest/"), 401);
        container.awaitStatus(container.root("/form/login.jsp"), 200);
        for (String context : TOKEN_CONTEXTS) {
            container.awaitStatus(container.root("/" + context + "/snapshot/front?token=" + TOKEN), 200);
        }
    }

    /** The descriptor with its block for cameras with tokens taken out of its comment, as README says to. */
    private static String withTokenBlock(String descriptor) {
        int start = descriptor.indexOf("<!-- Cameras with an access token");
        String comment = descriptor.substring(start, descriptor.indexOf("-->", start) + 3);
        String block = comment.substring(comment.indexOf("<security-constraint>"),
                comment.lastIndexOf("</security-constraint>") + "</security-constraint>".length());
        assertTrue(block.contains("<url-pattern>/stream/*</url-pattern>"), block);
        return descriptor.replace(comment, block);
    }

    @AfterAll
    void stopContainer() {
        if (container != null) {
            container.close();
        }
    }

    @Test
    void withoutCredentialsEveryPageStreamSnapshotAndStatusIs401WithTheAppsOwnErrorBody() throws Exception {
        for (String context : List.of("camstream", "digest")) {
            for (String path : PROTECTED) {
                Curl r = curl(context, path, List.of());
                assertEquals(401, r.status(), context + path);
                String challenge = r.header("WWW-Authenticate");
                assertTrue(challenge.startsWith(context.equals("digest") ? "Digest realm=\"camstream\"" : "Basic realm=\"camstream\""),
                        context + path + ": " + challenge);
                if (ownChallengeBody()) {
                    assertEquals("401 login required", r.body().strip(), context + path);
                    assertEquals("nosniff", r.header("X-Content-Type-Options"), context + path);
                }
            }
        }
    }

    @Test
    void basicCredentialsOpenPageStreamSnapshotAndStatusAsCurlAndHomeAssistantSendThem() throws Exception {
        List<String> auth = List.of("--basic", "-u", USER + ":" + PASSWORD);
        Curl page = curl("camstream", "/", auth);
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<img src=\"/camstream/stream/front\""), page.body());
        Curl snap = curl("camstream", "/snapshot/front", auth);
        assertEquals(200, snap.status());
        assertEquals("image/jpeg", snap.header("Content-Type"));
        Curl stream = curl("camstream", "/stream/front", auth);
        assertEquals(200, stream.status());
        assertTrue(stream.header("Content-Type").startsWith("multipart/x-mixed-replace"), stream.header("Content-Type"));
        assertTrue(stream.body().contains("Content-Type: image/jpeg"), "the stream sent parts");
        Curl status = curl("camstream", "/status", auth);
        assertEquals(200, status.status());
        assertTrue(status.body().contains("\"id\": \"front\""), status.body());
        assertEquals(401, curl("camstream", "/status", List.of("--basic", "-u", USER + ":wrong")).status());
    }

    @Test
    void onlyAUserWithTheAdminRoleMayChangeRecordings() throws Exception {
        for (String context : List.of("camstream", "basic-tokens")) {
            String file = "/recordings/front/20260101-000000-manual.mp4";
            Curl anonymous = curl(context, file, List.of("-X", "DELETE"));
            assertEquals(401, anonymous.status(), context + ": " + anonymous.body());
            Curl viewer = curl(context, file, List.of("-X", "DELETE", "--basic", "-u", USER + ":" + PASSWORD));
            assertEquals(403, viewer.status(), context + ": " + viewer.body());
            assertTrue(viewer.body().contains("changing recordings needs the role camstream-admin"), viewer.body());
            Curl timeLapse = curl(context, "/timelapse/front?action=start", List.of("-X", "POST", "--basic", "-u", USER + ":" + PASSWORD));
            assertEquals(403, timeLapse.status(), context + ": " + timeLapse.body());
            // The keeper passes the gate: the answer is about the recording, which does not exist.
            Curl keeper = curl(context, file, List.of("-X", "DELETE", "--basic", "-u", ADMIN + ":" + PASSWORD));
            assertEquals(404, keeper.status(), context + ": " + keeper.body());
            assertTrue(keeper.body().contains("no such recording"), keeper.body());
        }
    }

    @Test
    void octoPrintFetchesSnapshotsWithTheCredentialsInTheUrl() throws Exception {
        URI uri = container.root("/camstream/?action=snapshot");
        String withUser = uri.getScheme() + "://" + USER + ":" + PASSWORD + "@" + uri.getAuthority() + uri.getPath() + "?"
                + uri.getQuery();
        Curl r = curl(List.of(withUser));
        assertEquals(200, r.status(), r.body());
        assertEquals("image/jpeg", r.header("Content-Type"));
    }

    @Test
    void homeAssistantTriesBasicThenDigestAndDigestWorks() throws Exception {
        // Its first try, Basic, is refused by a DIGEST realm with a Digest challenge...
        Curl basic = curl("digest", "/snapshot/front", List.of("--basic", "-u", USER + ":" + PASSWORD));
        assertEquals(401, basic.status());
        assertTrue(basic.header("WWW-Authenticate").startsWith("Digest "), basic.header("WWW-Authenticate"));
        // ...and its second, Digest, is let in: snapshot and stream
        List<String> digest = List.of("--digest", "-u", USER + ":" + PASSWORD);
        Curl snap = curl("digest", "/snapshot/front", digest);
        assertEquals(200, snap.status());
        assertEquals("image/jpeg", snap.header("Content-Type"));
        Curl stream = curl("digest", "/stream/front", digest);
        assertEquals(200, stream.status());
        assertTrue(stream.body().contains("Content-Type: image/jpeg"));
        assertEquals(401, curl("digest", "/status", List.of("--digest", "-u", USER + ":wrong")).status());
    }

    @Test
    void metricsAreOpenWhereTheSettingSaysSoAndProtectedWhereItDoesNot() throws Exception {
        Curl open = curl("camstream", "/metrics", List.of());
        assertEquals(200, open.status());
        assertTrue(open.body().contains("camstream_viewers{camera=\"front\"}"), open.body());
        assertEquals(401, curl("digest", "/metrics", List.of()).status());
        assertEquals(200, curl("digest", "/metrics", List.of("--digest", "-u", USER + ":" + PASSWORD)).status());
    }

    @Test
    void formLoginShowsCamstreamsLoginPageThenLetsTheUserIn() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(container.root("/form/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode());
        assertTrue(login.body().contains("action=\"/form/j_security_check\""), login.body());
        HttpResponse<String> wrong = post(browser, "/form/j_security_check", "wrong");
        assertTrue(wrong.body().contains("Wrong user name or password"), wrong.body());
        browser.send(HttpRequest.newBuilder(container.root("/form/status")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> in = post(browser, "/form/j_security_check", PASSWORD);
        HttpResponse<String> status = in.uri().getPath().equals("/form/status") ? in
                : browser.send(HttpRequest.newBuilder(container.root("/form/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, status.statusCode());
        assertTrue(status.body().contains("\"id\": \"front\""), status.body());
    }

    @Test
    void imgStreamsShowInABrowserThatLoggedInAndStayEmptyInOneThatDidNot() throws Exception {
        Tools.require(Browser.CHROMIUM.toString());
        ChromeDriver chromium = Browser.start(Files.createDirectories(work.resolve("browser")));
        try {
            URI page = container.root("/camstream/");
            // An <img> on a page of another origin, without credentials: the stream answers 401, nothing shows.
            Path embed = work.resolve("embed.html");
            Files.writeString(embed, "<img id=cam src=\"" + container.root("/camstream/stream/front") + "\">");
            chromium.get(embed.toUri().toString());
            WebElement img = chromium.findElement(By.id("cam"));
            Await.until(Duration.ofSeconds(10), "the refused <img> to finish", () ->
                    (Boolean) chromium.executeScript("return arguments[0].complete", img));
            assertEquals(0L, chromium.executeScript("return arguments[0].naturalWidth", img));

            chromium.get(page.getScheme() + "://" + USER + ":" + PASSWORD + "@" + page.getAuthority() + page.getPath());
            // The page's WebSocket carries the login too: its tiles show the camera, as H.264 video or drawn
            // pictures (no fallback to <img>).
            Await.until(Duration.ofSeconds(15), "the camera to show after the login, over the page's WebSocket", () ->
                    Long.valueOf(320).equals(chromium.executeScript(
                            "const v = document.querySelector('figure.camera video');"
                                    + " if (v && v.videoWidth) { return v.videoWidth; }"
                                    + " const c = document.querySelector('figure.camera canvas.live'); return c ? c.width : -1")));
        } finally {
            chromium.quit();
        }
    }

    @Test
    void beforeALoginAnUnknownCameraGetsTheAnswerOfAProtectedOneAfterItA404() throws Exception {
        for (String context : List.of("basic-tokens", "digest-tokens")) {
            List<String> login = List.of(context.startsWith("digest") ? "--digest" : "--basic", "-u", USER + ":" + PASSWORD);
            for (String way : List.of("/stream/", "/snapshot/")) {
                Curl known = curl(context, way + "front", List.of());
                assertEquals(401, known.status(), context + way + ": without its token the camera asks for the login");
                // A token is one camera's: it proves nothing about another id.
                for (String query : List.of("", "?token=wrong", "?token=" + TOKEN)) {
                    Curl unknown = curl(context, way + "nope" + query, List.of());
                    assertSameAnswer(known, unknown, context + way + "nope" + query);
                }
                assertEquals(200, curl(context, way + "front?token=" + TOKEN, List.of()).status(), context + way);
                Curl in = curl(context, way + "nope", login);
                assertEquals(404, in.status(), context + way + " logged in");
                assertEquals("unknown camera: nope", in.body().strip());
            }
        }
    }

    @Test
    void beforeAFormLoginAnUnknownCameraGetsTheLoginPageAsAProtectedOneAndAfterItA404() throws Exception {
        for (String way : List.of("/stream/", "/snapshot/")) {
            assertSameAnswer(curl("form-tokens", way + "front", List.of()), curl("form-tokens", way + "nope", List.of()),
                    "form-tokens" + way);
        }
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(container.root("/form-tokens/snapshot/nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(page.body().contains("action=\"/form-tokens/j_security_check\""), page.body());
        HttpResponse<String> after = post(browser, "/form-tokens/j_security_check", PASSWORD);
        assertEquals("/form-tokens/snapshot/nope", after.uri().getPath(), "back where the login was asked for");
        assertEquals(404, after.statusCode());
        assertEquals("unknown camera: nope", after.body().strip());
        HttpResponse<byte[]> front = browser.send(HttpRequest.newBuilder(container.root("/form-tokens/snapshot/front")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, front.statusCode());
    }

    /**
     * The same status, headers and body: what differs from one answer to the next anyway (the date, a
     * Digest nonce, a session id) is left out.
     */
    private static void assertSameAnswer(Curl expected, Curl actual, String what) {
        assertEquals(expected.status(), actual.status(), what);
        assertEquals(comparable(expected.headers()), comparable(actual.headers()), what);
        assertEquals(expected.body(), actual.body(), what);
    }

    private static Map<String, String> comparable(Map<String, String> headers) {
        Map<String, String> h = new java.util.TreeMap<>(headers);
        h.remove("date");
        h.replaceAll((name, value) -> value.replaceAll("(nonce|opaque)=\"[^\"]*\"", "$1=\"...\"")
                .replaceAll("(?i)(jsessionid)=[^;?&]*", "$1=..."));
        return h;
    }

    // ---- helpers ----

    record Curl(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), "");
        }
    }

    private HttpResponse<String> post(HttpClient client, String path, String password) throws Exception {
        String form = "j_username=" + USER + "&j_password=" + password;
        return client.send(HttpRequest.newBuilder(container.root(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    Curl curl(String context, String path, List<String> options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(options);
        args.add(container.root("/" + context + path).toString());
        return curl(args);
    }

    /** curl as a client would run it; streams are read for 2 s. Returns the last response (after a Digest round trip). */
    Curl curl(List<String> args) throws IOException, InterruptedException {
        Path curl = Tools.require("/usr/bin/curl");
        Path headers = Files.createTempFile(work, "headers", ".txt");
        Path body = Files.createTempFile(work, "body", ".bin");
        List<String> cmd = new ArrayList<>(List.of(curl.toString(), "-s", "--max-time", "2", "-D", headers.toString(),
                "-o", body.toString()));
        cmd.addAll(args);
        Tools.run(30, work, cmd);
        String raw = Files.readString(headers, StandardCharsets.ISO_8859_1);
        // With Digest, curl writes the 401 round trip first: keep the last response's headers.
        String last = raw.substring(Math.max(0, raw.lastIndexOf("HTTP/1.1 ")));
        Map<String, String> h = new java.util.HashMap<>();
        int status = -1;
        for (String line : last.split("\r\n")) {
            if (line.startsWith("HTTP/1.1 ")) {
                status = Integer.parseInt(line.substring(9, 12));
            } else if (line.contains(":")) {
                h.putIfAbsent(line.substring(0, line.indexOf(':')).trim().toLowerCase(java.util.Locale.ROOT),
                        line.substring(line.indexOf(':') + 1).trim());
            }
        }
        byte[] bytes = Files.readAllBytes(body);
        String text = new String(bytes, 0, Math.min(bytes.length, 20000), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("Exception") || text.contains("Apache Tomcat/") || text.contains("Jetty://"), text);
        assertFalse(h.containsKey("server"), "no Server header: " + h.get("server"));
        return new Curl(status, h, text);
    }
}
