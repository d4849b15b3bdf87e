package camstream.it;

import camstream.bench.LoadGenerator;
import camstream.it.support.Await;
import camstream.it.support.Browser;
import camstream.it.support.HlsPlayers;
import camstream.it.support.Nginx;
import camstream.it.support.PageVideo;
import camstream.it.support.ScaleTopology;
import camstream.it.support.ScaleWindow;
import camstream.it.support.ServletContainer;
import camstream.support.Metrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's "Scaling out", run: nginx with README's configuration in front of an origin camstream
 * (Tomcat 11) and two edges that relay it (Jetty 12, Tomcat 11), each a process of its own. Thousands of
 * multipart and WebSocket viewers through nginx cost the origin one stream per edge and one encode per
 * picture, while the edges encode nothing; hundreds of HLS players through nginx's cache cost the origin about
 * one request per part; an edge killed mid-run loses its viewers to the other edge and no one else notices. Records
 * what it measured in {@code target/it/scale-out.txt} (bench/SCALE.md quotes it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

    private static final String CAMERA = "front";
    /** Small enough for one 2-core machine carrying the origin, both edges, nginx, the viewers and a browser. */
    private static final int WIDTH = 320, HEIGHT = 240, FPS = Integer.getInteger("scale.fps", 5);
    private static final int VIEWERS = Integer.getInteger("scale.viewers", 2000);
    private static final int HLS_PLAYERS = Integer.getInteger("scale.hlsPlayers", 500);
    private static final Duration WINDOW = Duration.ofSeconds(Long.getLong("scale.seconds", 10));
    /** Viewers directly at the origin and directly at an edge, beside the load: latency through no relay and one. */
    private static final int PROBES = 20;
    /** A picture shown at most this long after its capture counts as live, on a loaded machine. */
    private static final long LIVE_MILLIS = 1500;
    /** The longest wait for a picture that a viewer does not notice: about a second, on a machine shared with other builds. */
    private static final long GAP_MICROS = 1_500_000;
    private static final long OPEN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(90);

    private ScaleTopology top;
    private LoadGenerator streams;
    private LoadGenerator sockets;
    private ChromeDriver browser;

    @BeforeAll
    void start() throws Exception {
        top = new ScaleTopology(CAMERA, Map.of("camstream.width", "" + WIDTH, "camstream.height", "" + HEIGHT,
                "camstream.fps", "" + FPS), List.of("-Xms512m", "-Xmx512m"));
        top.start();
        streams = new LoadGenerator(top.nginxAddress(), "/camstream/stream/" + CAMERA, 1);
        sockets = new LoadGenerator(top.nginxAddress(), "/camstream/socket", 1, CAMERA);
        Files.deleteIfExists(report());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            try {
                if (streams != null) {
                    streams.close();
                    sockets.close();
                }
            } finally {
                if (top != null) {
                    top.close();
                }
            }
        }
    }

    @Test
    @Order(0)
    void readmeQuotesTheNginxConfigurationThisTestRuns() throws Exception {
        String conf = Files.readString(Path.of("src/test/resources" + Nginx.TEMPLATE), StandardCharsets.UTF_8);
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.contains("```nginx\n" + conf + "```\n"), "README's \"Scaling out\" quotes "
                + Nginx.TEMPLATE + " as it is");
    }

    @Test
    @Order(1)
    void thousandsOfViewersThroughNginxCostTheOriginOneStreamPerEdgeAndOneEncodePerPicture() throws Exception {
        long opening = System.nanoTime();
        streams.open(VIEWERS / 2, true, OPEN_TIMEOUT_NANOS);
        sockets.open(VIEWERS - VIEWERS / 2, true, OPEN_TIMEOUT_NANOS);
        record("%d viewers (%d multipart, %d WebSocket) through nginx connected in %.1f s", VIEWERS, VIEWERS / 2,
                VIEWERS - VIEWERS / 2, (System.nanoTime() - opening) / 1e9);
        assertEquals(List.of(), failures(streams));
        assertEquals(List.of(), failures(sockets));
        Await.until(Duration.ofSeconds(30), "the edges to count " + VIEWERS + " viewers",
                () -> edgeViewers(0) + edgeViewers(1) == VIEWERS);
        record("viewers per edge: %s %d, %s %d", edge(0).name(), edgeViewers(0), edge(1).name(), edgeViewers(1));
        assertTrue(edgeViewers(0) > VIEWERS / 4 && edgeViewers(1) > VIEWERS / 4, "nginx spread the viewers over both edges");
        // One stream per edge (each edge relays the camera once), and no edge connected twice.
        origin().await("camstream_viewers", CAMERA, n -> n == 2, Duration.ofSeconds(10));
        assertEquals(2, origin().get("camstream_viewers_joined_total", CAMERA));

        try (LoadGenerator atOrigin = new LoadGenerator(ScaleTopology.address(top.origin), "/camstream/stream/" + CAMERA, 1);
             LoadGenerator atEdge = new LoadGenerator(ScaleTopology.address(edge(0)), "/camstream/stream/" + CAMERA, 1)) {
            atOrigin.open(PROBES, true, OPEN_TIMEOUT_NANOS);
            atEdge.open(PROBES, true, OPEN_TIMEOUT_NANOS);
            ScaleWindow w = measure(List.of(streams, sockets, atOrigin, atEdge));
            streams.window(Long.MAX_VALUE, Long.MAX_VALUE);
            sockets.window(Long.MAX_VALUE, Long.MAX_VALUE);

            for (LoadGenerator g : List.of(streams, sockets, atOrigin, atEdge)) {
                assertEquals(List.of(), failures(g));
            }
            long[] parts = parts(streams, sockets);
            record("pictures per viewer in %d s: min %d, median %d (the camera: %d fps)", WINDOW.toSeconds(), parts[0],
                    parts[parts.length / 2], FPS);
            assertTrue(parts[0] >= WINDOW.toSeconds(), "every viewer got at least a picture a second: " + parts[0]);

            double seconds = w.seconds();
            long originCaptured = w.delta(top.origin, "camstream_frames_captured_total");
            long originEncoded = w.delta(top.origin, "camstream_frames_encoded_total");
            long originBytes = w.delta(top.origin, "camstream_bytes_sent_total");
            long probeBytes = atOrigin.windowBytes();
            record("origin: %d pictures captured, %d JPEG encodes, %d H.264 encodes; egress to the edges %.0f KB/s"
                            + " (all: %.0f KB/s with %d direct viewers); CPU %.0f %%",
                    originCaptured, originEncoded, w.delta(top.origin, "camstream_h264_frames_encoded_total"),
                    (originBytes - probeBytes) / seconds / 1e3, originBytes / seconds / 1e3, PROBES, w.cpuPercent(top.origin));
            assertTrue(Math.abs(originEncoded - originCaptured) <= 1, "one encode per picture: " + originCaptured
                    + " captured, " + originEncoded + " encoded");
            for (ServletContainer edge : top.edges) {
                record("edge %s: %d JPEG encodes, %d H.264 encodes, %d pictures sent (%.0f MB/s); CPU %.0f %%", edge.name(),
                        w.delta(edge, "camstream_frames_encoded_total"), w.delta(edge, "camstream_h264_frames_encoded_total"),
                        w.delta(edge, "camstream_frames_sent_total"), w.delta(edge, "camstream_bytes_sent_total") / seconds / 1e6,
                        w.cpuPercent(edge));
                assertEquals(0, w.delta(edge, "camstream_frames_encoded_total"), edge.name() + " relays, never encodes");
                assertEquals(0, w.delta(edge, "camstream_h264_frames_encoded_total"), edge.name() + " encodes no H.264");
            }
            record("nginx CPU %.0f %%; this JVM (the viewers) CPU %.0f %%", w.nginxCpuPercent(), w.ownCpuPercent());
            record("latency capture to viewer, ms p50 / p99: at the origin %s; one relay (at an edge) %s;"
                    + " edge and nginx %s", latency(atOrigin), latency(atEdge), latency(streams, sockets));
            assertEquals(2 + PROBES, origin().get("camstream_viewers_joined_total", CAMERA), "no edge connected again");
        }
    }

    @Test
    @Order(2)
    void hundredsOfHlsPlayersThroughNginxCostTheOriginAboutOneRequestPerPart() throws Exception {
        String path = "/hls/" + CAMERA + "/index.m3u8";
        int logged = top.nginx.accessLog().size();
        long originBefore = origin().get("camstream_hls_requests_total", CAMERA);
        int lowLatency = HLS_PLAYERS - HLS_PLAYERS / 5;
        try (HlsPlayers players = new HlsPlayers(top.nginx.url("/camstream" + path))) {
            players.start(lowLatency, HLS_PLAYERS - lowLatency, Duration.ofMillis(10));
            try {
                Await.until(Duration.ofSeconds(30), "every HLS player to receive media", () -> players.media()[0] > 0
                        || !players.errors().isEmpty());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; waiting: " + players.waiting(), e);
            }
            assertEquals(List.of(), players.errors().stream().distinct().limit(5).toList());
            ScaleWindow w = measure(List.of());
            long[] media = players.media();
            assertEquals(List.of(), players.errors().stream().distinct().limit(5).toList());
            record("%d HLS players through nginx (%d LL-HLS, %d plain): parts or segments each so far: min %d, median %d",
                    HLS_PLAYERS, lowLatency, HLS_PLAYERS - lowLatency, media[0], media[media.length / 2]);
            record("capture of a part's last picture to the part at an LL-HLS player, ms p50 / p99: %s; of a segment's"
                    + " at a plain player: %s", percentiles(players.agesMillis(true)), percentiles(players.agesMillis(false)));
            long captured = w.delta(top.origin, "camstream_frames_captured_total");
            long encoded = w.delta(top.origin, "camstream_h264_frames_encoded_total");
            record("origin while they played: %d pictures, %d H.264 encodes, %d HLS requests; CPU %.0f %%; nginx CPU %.0f %%;"
                            + " this JVM (the players) CPU %.0f %%", captured, encoded,
                    w.delta(top.origin, "camstream_hls_requests_total"), w.cpuPercent(top.origin), w.nginxCpuPercent(),
                    w.ownCpuPercent());
            assertTrue(Math.abs(encoded - captured) <= 1, "one H.264 encode per picture: " + captured + " captured, "
                    + encoded + " encoded");
        }
        long counted = origin().get("camstream_hls_requests_total", CAMERA) - originBefore;
        List<String[]> hls = top.nginx.accessLog().stream().skip(logged).filter(l -> l.contains("/hls/"))
                .map(l -> l.split(" ")).toList();
        // $msec "$request" $status $body_bytes_sent $request_time $upstream_addr $upstream_cache_status
        long toOrigin = hls.stream().filter(f -> !f[7].equals("-")).count();
        long distinct = hls.stream().map(f -> f[2]).distinct().count();
        double seconds = Double.parseDouble(hls.get(hls.size() - 1)[0]) - Double.parseDouble(hls.get(0)[0]);
        Map<String, Long> byStatus = new TreeMap<>(hls.stream().collect(Collectors.groupingBy(f -> f[8], Collectors.counting())));
        record("nginx: %d HLS requests in %.0f s for %d distinct URLs; %d went to the origin (%.2f per URL; the origin"
                        + " counted %d, a held request twice); cache %s, hit ratio %.1f %%", hls.size(), seconds, distinct,
                toOrigin, toOrigin / (double) distinct, counted, byStatus, 100.0 * byStatus.getOrDefault("HIT", 0L) / hls.size());
        // One request per part, segment and blocking reload, and the plain playlist about once a second (max-age=1).
        assertTrue(toOrigin <= distinct * 3 / 2 + seconds, toOrigin + " requests reached the origin for " + distinct
                + " URLs in " + seconds + " s");
        assertTrue(hls.size() >= HLS_PLAYERS / 10 * toOrigin, "nginx answered " + hls.size() + " requests with "
                + toOrigin + " to the origin");
    }

    @Test
    @Order(3)
    void aPageWhoseEdgeDiesWatchesAgainWithinFiveSecondsThroughTheOtherAndNoOtherViewerNotices() throws Exception {
        long[] encodedBefore = {h264Encoded(edge(0)), h264Encoded(edge(1))};
        browser = Browser.start(top.dir().resolve("scale-browser"));
        browser.get(top.nginx.url("/camstream/view/" + CAMERA).toString());
        Await.until(Duration.ofSeconds(30), "the page to play " + CAMERA,
                () -> PageVideo.number(PageVideo.tile(browser, CAMERA), "shown") > 0);
        PageVideo.awaitLive(browser, CAMERA, LIVE_MILLIS, Duration.ofSeconds(10));
        // The page is the one H.264 viewer: its edge is the one that counts it.
        Await.until(Duration.ofSeconds(10), "an edge to count the page",
                () -> h264Viewers(edge(0)) + h264Viewers(edge(1)) == 1);
        int dies = h264Viewers(edge(0)) == 1 ? 0 : 1;
        ServletContainer dying = edge(dies);
        ServletContainer other = edge(1 - dies);
        long lost = edgeViewers(dies) - 1;
        // Its H.264 comes from the origin's, passed through: the edge encodes none.
        long passedBefore = new Metrics(other.url("/metrics")).get("camstream_h264_frames_passed_through_total", CAMERA);
        assertEquals(encodedBefore[dies], h264Encoded(dying), dying.name() + " passes the origin's H.264 through");

        long start = nowMicros();
        for (LoadGenerator g : List.of(streams, sockets)) {
            g.forgetGaps();
            g.window(start, Long.MAX_VALUE);
        }
        long connects = connects();
        long killed = System.nanoTime();
        dying.jvm().destroyForcibly();
        dying.jvm().onExit().get(10, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(5), "the page to connect again", () -> connects() > connects);
        PageVideo.awaitLive(browser, CAMERA, LIVE_MILLIS, Duration.ofSeconds(5));
        Duration back = Duration.ofNanos(System.nanoTime() - killed);
        record("killed %s (SIGKILL) with the page and %d viewers on it: the page showed a live picture again"
                + " through %s after %d ms", dying.name(), lost, other.name(), back.toMillis());
        assertTrue(back.compareTo(Duration.ofSeconds(5)) <= 0, "watching again after " + back.toMillis() + " ms");
        assertEquals(1, h264Viewers(other), "the page now watches through " + other.name());
        new Metrics(other.url("/metrics")).await("camstream_h264_frames_passed_through_total", CAMERA,
                n -> n >= passedBefore + FPS, Duration.ofSeconds(10));
        assertEquals(encodedBefore[1 - dies], h264Encoded(other), other.name() + " passes the origin's H.264 through");

        // Another second of the other viewers' pictures after the page came back, then look at their gaps.
        Await.until(Duration.ofSeconds(10), "the streams through " + dying.name() + " to end", () -> Stream.of(streams, sockets)
                .flatMap(g -> g.connections().stream()).filter(c -> c.failure() != null).count() >= lost);
        Map<LoadGenerator.Connection, Long> before = new LinkedHashMap<>();
        for (LoadGenerator g : List.of(streams, sockets)) {
            g.connections().stream().filter(c -> c.failure() == null).forEach(c -> before.put(c, c.parts()));
        }
        Await.until(Duration.ofSeconds(10), "a second more of pictures at the other edge's viewers", () -> before.entrySet()
                .stream().allMatch(e -> e.getKey().failure() != null || e.getKey().parts() >= e.getValue() + FPS));
        long end = nowMicros();
        List<Long> gaps = new ArrayList<>();
        long failed = 0;
        for (LoadGenerator g : List.of(streams, sockets)) {
            g.window(start, end);
            for (LoadGenerator.Connection c : g.connections()) {
                if (c.failure() != null) {
                    failed++;
                } else {
                    gaps.add(c.maxGapMicros());
                }
            }
        }
        gaps.sort(null);
        long worst = gaps.get(gaps.size() - 1);
        record("the %d viewers at %s: longest wait for a picture from the kill until a second after the page was back:"
                + " median %d ms, max %d ms", gaps.size(), other.name(), gaps.get(gaps.size() / 2) / 1000, worst / 1000);
        assertEquals(lost, failed, "the viewers of the edge that died, and only they, lost their stream");
        assertTrue(worst <= GAP_MICROS, "the other edge's viewers waited up to " + worst / 1000 + " ms for a picture");
    }

    /** How many times the page's WebSocket opened. */
    private long connects() {
        Map<?, ?> stats = (Map<?, ?>) browser.executeScript("return window.camstreamSocket.stats()");
        return ((Number) stats.get("connects")).longValue();
    }

    private Metrics origin() {
        return new Metrics(top.origin.url("/metrics"));
    }

    private ServletContainer edge(int i) {
        return top.edges.get(i);
    }

    private long edgeViewers(int i) throws Exception {
        return new Metrics(edge(i).url("/metrics")).get("camstream_viewers", CAMERA);
    }

    private static long h264Encoded(ServletContainer edge) throws Exception {
        return new Metrics(edge.url("/metrics")).get("camstream_h264_frames_encoded_total", CAMERA);
    }

    private static long h264Viewers(ServletContainer edge) throws Exception {
        return new Metrics(edge.url("/metrics")).get("camstream_h264_viewers", CAMERA);
    }

    private static List<String> failures(LoadGenerator g) {
        return g.connections().stream().filter(c -> c.failure() != null).map(LoadGenerator.Connection::failure)
                .distinct().toList();
    }

    private static long[] parts(LoadGenerator... generators) {
        return Arrays.stream(generators).flatMap(g -> g.connections().stream())
                .mapToLong(LoadGenerator.Connection::windowParts).sorted().toArray();
    }

    private static String latency(LoadGenerator... generators) {
        long[] micros = Arrays.stream(generators).flatMapToLong(g -> Arrays.stream(g.latencies())).sorted().toArray();
        return percentiles(Arrays.stream(micros).map(m -> m / 1000).toArray());
    }

    /** "p50 / p99" of sorted values. */
    private static String percentiles(long[] sorted) {
        return sorted.length == 0 ? "none" : sorted[sorted.length / 2] + " / " + sorted[(int) (sorted.length * 0.99)];
    }

    /** Opens the generators' window for {@link #WINDOW}, reading every server's counters and CPU at both ends. */
    private ScaleWindow measure(List<LoadGenerator> generators) throws Exception {
        ScaleWindow w = new ScaleWindow(top, CAMERA);
        w.read(true);
        long start = nowMicros();
        for (LoadGenerator g : generators) {
            g.window(start, start + WINDOW.toNanos() / 1000);
        }
        Thread.sleep(WINDOW.toMillis()); // the measured window, not a wait for a condition
        w.read(false);
        return w;
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private Path report() {
        return top.dir().resolve("scale-out.txt");
    }

    private void record(String format, Object... args) throws Exception {
        String line = String.format(format, args);
        Files.writeString(report(), line + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println(line);
    }
}
