package camstream.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark point: starts the WAR in its own JVM, opens the viewers, waits for the warm-up,
 * measures, and appends one Markdown table row to the results file.
 *
 * <pre>
 * Bench --war target/camstream.war --viewers 2000 --size 640x480 [--container tomcat11] [--fps 30]
 *       [--stalled 1] [--warmup 10] [--measure 20] [--threads 2] [--idle] [--out rows.md] [--csv rows.csv]
 *       [--label text] [--jfr server.jfr] [--strace counts.txt] [--transport multipart|socket]
 *       [--variant-viewers 50 [--variant-query width=320 | --variant-queries width=640,width=320]]
 *       [--source file:/data/img%04d.jpg] [--camera-settings rotate=180,quality=70]
 *       [--asprof flame.html] (with -Dbench.asprofLib=/path/to/libasyncProfiler.so) [--format jpeg|mp4]
 * </pre>
 * {@code --container}: {@code tomcat11}, {@code tomcat10} or {@code jetty12} (the real distributions,
 * as users deploy the WAR), or {@code embedded} (Jetty in a small JVM of the harness's own). Extra
 * server JVM options for {@code embedded} go in the system property {@code bench.serverJvmArgs}; the
 * distributions run with their defaults. {@code --transport socket}: each viewer is a WebSocket on
 * {@code /socket} that watches the camera, instead of a multipart stream. {@code --variant-viewers N}: N of
 * the (multipart) viewers ask for {@code --variant-query} (default {@code width=320}), a variant the camera
 * encodes once more per frame; with {@code --variant-queries} they are spread evenly over several. The
 * camera is a test pattern of {@code --size} unless {@code --source} names another source; {@code
 * --camera-settings} adds camera settings ({@code rotate=180} is {@code camstream.camera.default.rotate=180}).
 * {@code --format mp4}: each (multipart) viewer reads {@code /stream/default.mp4}, the camera's H.264 stream
 * as fragmented MP4, whose frames are counted as its moof + mdat pairs; it carries no wall clock, so these
 * viewers have no latency figures.
 */
public final class Bench {

    private static final String CAMERA = "default";
    /** Counted by WARs that encode on a pool; older ones do not have it. */
    private static final String DROPPED_ENCODES = "camstream_encodes_dropped_total";
    private static final double MB = 1024 * 1024;
    private static final String H264_ENCODES = "camstream_h264_frames_encoded_total";
    private static final String H264_SECONDS = "camstream_h264_encode_seconds_total";

    private final Map<String, String> opts;

    private Bench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            opts.put(key, flag ? "true" : args[++i]);
        }
        new Bench(opts).run();
        System.exit(0); // the JDK's HTTP client keeps a non-daemon selector thread
    }

    private String opt(String key, String def) {
        return opts.getOrDefault(key, def);
    }

    private int intOpt(String key, int def) {
        return Integer.parseInt(opt(key, Integer.toString(def)));
    }

    private void run() throws Exception {
        Path war = Path.of(opt("war", "target/camstream.war"));
        int viewers = intOpt("viewers", 1);
        String size = opt("size", "640x480");
        int fps = intOpt("fps", 30);
        int stalled = intOpt("stalled", 0);
        int variantViewers = Math.min(viewers, intOpt("variant-viewers", 0));
        List<String> variantQueries = List.of(opt("variant-queries", opt("variant-query", "width=320")).split(","));
        String source = opt("source", "test-pattern");
        String cameraSettings = opt("camera-settings", "");
        int warmup = intOpt("warmup", 10);
        int measure = intOpt("measure", 20);
        int threads = intOpt("threads", 2);
        boolean idle = opts.containsKey("idle");
        String container = opt("container", "embedded");
        String[] wh = size.split("x");
        String transport = opt("transport", "multipart");
        if (!transport.equals("multipart") && !transport.equals("socket")) {
            throw new IllegalArgumentException("--transport multipart or socket, not " + transport);
        }
        String format = opt("format", "jpeg");
        if (!format.equals("jpeg") && !format.equals("mp4") || format.equals("mp4") && transport.equals("socket")) {
            throw new IllegalArgumentException("--format jpeg or mp4 (mp4 over multipart transport only), not " + format);
        }
        String label = opt("label", (idle ? "idle after timeout" : stalled > 0 ? stalled + " stalled + " + viewers
                : viewers + " @ " + size + (source.equals("test-pattern") ? "" : " " + source.substring(source.lastIndexOf('/') + 1))
                + (cameraSettings.isEmpty() ? "" : " " + cameraSettings)
                + (variantViewers > 0 ? " (" + variantViewers + " " + String.join(" ", variantQueries) + ")" : ""))
                + (transport.equals("socket") ? " WebSocket" : "") + (format.equals("mp4") ? " H.264" : ""));

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camstream.cameras", CAMERA);
        settings.put("camstream.camera." + CAMERA + ".source", source);
        settings.put("camstream.camera." + CAMERA + ".width", wh[0]);
        settings.put("camstream.camera." + CAMERA + ".height", wh[1]);
        settings.put("camstream.camera." + CAMERA + ".fps", Integer.toString(fps));
        settings.put("camstream.idleTimeout", Integer.toString(idle ? 2 : 10));
        keyValues(cameraSettings).forEach((k, v) -> settings.put("camstream.camera." + CAMERA + "." + k, v));
        Path log = Path.of(opt("log", "target/bench/" + (container + " " + label).replaceAll("[^A-Za-z0-9]+", "-") + ".log"));

        try (Server server = start(container, war, settings, log)) {
            System.err.println(server.describe() + ", pid " + server.pid() + ": " + server.commandLine());
            double cpu0 = server.cpuSeconds();
            long rssIdle = server.rssKb();
            long heapIdle = idle ? 0 : liveHeapKb(server);
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", server.port());
            Row row = idle ? idle(server, addr, measure) : stream(server, addr, viewers, stalled, warmup, measure,
                    threads, rssIdle, variantViewers, variantQueries);
            row.label = label;
            row.format = format;
            row.source = source.equals("test-pattern") ? source : source.substring(source.lastIndexOf('/') + 1);
            row.size = size;
            row.container = container;
            row.war = war.toString();
            row.rssIdleKb = rssIdle;
            if (!idle) {
                row.heapPerViewerKb = (row.liveHeapKb - heapIdle) / (double) Math.max(1, viewers + stalled);
            }
            row.problems = server.problems();
            row.startupCpu = cpu0;
            String line = row.markdown();
            System.out.println(line);
            for (String p : row.problems.subList(0, Math.min(10, row.problems.size()))) {
                System.err.println("server log: " + p);
            }
            if (opts.containsKey("out")) {
                Files.writeString(Path.of(opts.get("out")), line + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            if (opts.containsKey("csv")) {
                Path csv = Path.of(opts.get("csv")).toAbsolutePath();
                Files.createDirectories(csv.getParent());
                if (!Files.exists(csv)) {
                    Files.writeString(csv, Row.CSV_HEADER + "\n", StandardCharsets.UTF_8);
                }
                Files.writeString(csv, row.csv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
        }
    }

    static Server start(String container, Path war, Map<String, String> settings, Path log) throws Exception {
        if (!container.equals("embedded")) {
            return new DistributionServer(container, war, settings);
        }
        List<String> jvm = new ArrayList<>();
        String extra = System.getProperty("bench.serverJvmArgs", "-Xmx1g");
        if (!extra.isBlank()) {
            jvm.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        List<String> props = new ArrayList<>();
        settings.forEach((k, v) -> props.add("-D" + k + "=" + v));
        return new EmbeddedServer(war, jvm, props, log);
    }

    private Row stream(Server server, InetSocketAddress addr, int viewers, int stalled, int warmup,
                       int measure, int threads, long rssIdle, int variantViewers, List<String> variantQueries) throws Exception {
        Row row = new Row();
        row.viewers = viewers;
        boolean socket = opt("transport", "multipart").equals("socket");
        String stream = "/stream/" + CAMERA + (opt("format", "jpeg").equals("mp4") ? ".mp4" : "");
        try (LoadGenerator gen = new LoadGenerator(addr, server.contextPath() + (socket ? "/socket" : stream),
                threads, socket ? CAMERA : null)) {
            long rampTimeout = TimeUnit.SECONDS.toNanos(30 + viewers / 50);
            long t0 = System.nanoTime();
            gen.open(viewers - variantViewers, true, rampTimeout);
            int[] share = spread(variantViewers, variantQueries.size());
            for (int i = 0; i < share.length; i++) {
                gen.open(share[i], true, rampTimeout, variantQueries.get(i));
            }
            gen.open(stalled, false, rampTimeout);
            row.rampSeconds = (System.nanoTime() - t0) / 1e9;
            System.err.printf(Locale.ROOT, "%d viewers connected in %.1f s%n", viewers, row.rampSeconds);

            long start = LoadGenerator.nowMicros() + warmup * 1_000_000L;
            long end = start + measure * 1_000_000L;
            gen.window(start, end);
            sleepUntil(start);
            String jfr = opts.get("jfr");
            if (jfr != null) {
                jcmd(server, "JFR.start", "name=bench", "settings=profile",
                        "filename=" + Path.of(jfr).toAbsolutePath());
            }
            String asprof = opts.get("asprof");
            if (asprof != null) {
                // async-profiler sees native and kernel frames too; loaded into the server JVM for the window only.
                // Quoted, else jcmd reads "start,event=cpu" as an argument named "start,event".
                jcmd(server, "JVMTI.agent_load", System.getProperty("bench.asprofLib"),
                        "\"start,event=" + System.getProperty("bench.asprofEvent", "cpu") + ",interval="
                                + System.getProperty("bench.asprofInterval", "1ms") + "\"");
            }
            String straceOut = opts.get("strace");
            Process strace = straceOut == null ? null : new ProcessBuilder("strace", "-c", "-f", "-o", straceOut,
                    "-p", Long.toString(server.pid())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long enc0 = server.metric("camstream_frames_encoded_total", CAMERA);
            long dropped0 = server.metric(DROPPED_ENCODES, CAMERA, -1);
            long h264Encodes0 = server.metric(H264_ENCODES, CAMERA, -1);
            double h264Seconds0 = server.metricValue(H264_SECONDS, CAMERA, -1);
            double cpu0 = server.cpuSeconds();
            double self0 = Server.cpuSeconds(Path.of("/proc/self/stat"));
            Peak peak = samplePeaks(server, end, null);
            if (asprof != null) {
                jcmd(server, "JVMTI.agent_load", System.getProperty("bench.asprofLib"),
                        "\"stop,file=" + Path.of(asprof).toAbsolutePath() + "\"");
            }
            if (strace != null) {
                // SIGINT: strace detaches and writes its summary.
                new ProcessBuilder("kill", "-INT", Long.toString(strace.pid())).start().waitFor();
                strace.waitFor(30, TimeUnit.SECONDS);
            }
            long rssMax = peak.rssKb();
            double cpu1 = server.cpuSeconds();
            double self1 = Server.cpuSeconds(Path.of("/proc/self/stat"));
            long enc1 = server.metric("camstream_frames_encoded_total", CAMERA);
            long dropped1 = server.metric(DROPPED_ENCODES, CAMERA, -1);
            long h264Encodes1 = server.metric(H264_ENCODES, CAMERA, -1);
            double h264Seconds1 = server.metricValue(H264_SECONDS, CAMERA, -1);
            row.serverViewers = server.metric("camstream_viewers", CAMERA);
            row.liveHeapKb = liveHeapKb(server);
            if (jfr != null) {
                jcmd(server, "JFR.stop", "name=bench");
            }
            gen.close();

            row.cpuPercent = 100 * (cpu1 - cpu0) / measure;
            row.measureSeconds = measure;
            row.cpuSeconds = cpu1 - cpu0;
            row.benchCpuPercent = 100 * (self1 - self0) / measure;
            row.rssKb = rssMax;
            row.threads = peak.threads();
            row.encodesPerSecond = (enc1 - enc0) / (double) measure;
            row.droppedEncodesPerSecond = dropped0 < 0 ? -1 : (dropped1 - dropped0) / (double) measure;
            row.h264EncodesPerSecond = h264Encodes0 < 0 ? -1 : (h264Encodes1 - h264Encodes0) / (double) measure;
            row.h264EncodeCorePercent = h264Seconds0 < 0 ? -1 : 100 * (h264Seconds1 - h264Seconds0) / measure;
            row.perViewerKb = viewers == 0 ? 0 : (rssMax - rssIdle) / (double) (viewers + stalled);

            List<LoadGenerator.Connection> readers = new ArrayList<>();
            for (LoadGenerator.Connection c : gen.connections()) {
                if (!c.connected()) {
                    row.connectFailures++;
                    if (row.firstFailure == null) {
                        row.firstFailure = c.failure() == null ? "no response head in time" : c.failure();
                    }
                } else if (c.reader) {
                    readers.add(c);
                }
            }
            double[] rates = new double[readers.size()];
            double[] mainRates = new double[(int) readers.stream().filter(c -> c.query.isEmpty()).count()];
            for (int i = 0, main = 0; i < rates.length; i++) {
                LoadGenerator.Connection c = readers.get(i);
                rates[i] = c.windowParts() / (double) measure;
                if (c.query.isEmpty()) {
                    mainRates[main++] = rates[i];
                }
                row.frames += c.windowParts();
                row.outOfOrder += c.outOfOrder();
                row.skipped += c.windowSkipped();
                if (c.startedWithoutKeyframe) {
                    row.startedWithoutKeyframe++;
                }
                row.maxGapMs = Math.max(row.maxGapMs, c.maxGapMicros() / 1000.0);
                if (c.windowParts() == 0) {
                    row.starved++;
                }
                if (c.failure() != null) {
                    row.dropped++;
                    if (row.firstFailure == null) {
                        row.firstFailure = c.failure();
                    }
                }
            }
            Arrays.sort(rates);
            row.fpsMin = rates.length == 0 ? 0 : rates[0];
            row.fpsP1 = percentile(rates, 0.01);
            row.fpsMedian = percentile(rates, 0.5);
            Arrays.sort(mainRates);
            row.mainFpsMin = mainRates.length == 0 ? -1 : mainRates[0];
            row.mainFpsMedian = mainRates.length == 0 ? -1 : percentile(mainRates, 0.5);
            row.variantViewers = variantViewers;
            row.framesPerSecond = row.frames / (double) measure;
            row.cpuMicrosPerFrame = row.frames == 0 ? 0 : row.cpuSeconds * 1e6 / row.frames;
            if (straceOut != null) {
                Files.writeString(Path.of(straceOut), "\n" + row.frames + " parts delivered in the window\n",
                        StandardOpenOption.APPEND);
            }
            row.mbPerSecond = gen.windowBytes() / MB / measure;
            row.kbPerViewerSecond = readers.isEmpty() ? 0 : gen.windowBytes() / 1024.0 / measure / readers.size();
            long[] lat = gen.latencies();
            Arrays.sort(lat);
            row.latencyP50 = percentile(lat, 0.5) / 1000.0;
            row.latencyP99 = percentile(lat, 0.99) / 1000.0;
            row.latencyMax = lat.length == 0 ? 0 : lat[lat.length - 1] / 1000.0;
        }
        return row;
    }

    /** One viewer watches briefly and leaves; after the idle timeout nothing should be encoded. */
    private Row idle(Server server, InetSocketAddress addr, int measure) throws Exception {
        Row row = new Row();
        try (LoadGenerator gen = new LoadGenerator(addr, server.contextPath() + "/stream/" + CAMERA, 1)) {
            gen.open(1, true, TimeUnit.SECONDS.toNanos(30));
            awaitCondition(() -> gen.connections().get(0).parts() > 10, 30, "the viewer got no frames");
        }
        awaitCondition(() -> server.metric("camstream_source_open", CAMERA) == 0, 30,
                "the source stayed open after the idle timeout");
        long enc0 = server.metric("camstream_frames_encoded_total", CAMERA);
        double cpu0 = server.cpuSeconds();
        long until = LoadGenerator.nowMicros() + measure * 1_000_000L;
        Peak peak = samplePeaks(server, until, null);
        row.cpuPercent = 100 * (server.cpuSeconds() - cpu0) / measure;
        row.encodesPerSecond = (server.metric("camstream_frames_encoded_total", CAMERA) - enc0) / (double) measure;
        row.rssKb = peak.rssKb();
        row.threads = peak.threads();
        return row;
    }

    /** Runs a diagnostic command in the server JVM, e.g. to record the measured window with JFR. */
    private static String jcmd(Server server, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(server.pid())));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /**
     * Live heap of the server in KB: {@code GC.class_histogram} runs a full collection first. Taken
     * before the viewers arrive and after the measured window, so its pause is outside it.
     */
    static long liveHeapKb(Server server) throws IOException, InterruptedException {
        String out = jcmd(server, "GC.class_histogram");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(out);
        if (!m.find()) {
            throw new IOException("no Total in the class histogram");
        }
        return Long.parseLong(m.group(1)) / 1024;
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code c} until it holds, failing after {@code seconds}. */
    private static void awaitCondition(Condition c, int seconds, String failure) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure + " (waited " + seconds + " s)");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** The measurement is timed by the wall clock: its window starts and ends at fixed instants. */
    record Peak(long rssKb, long threads) {
    }

    /**
     * Samples the server's RSS and thread count (and its children's RSS, unless null) once a second until
     * {@code untilMicros}; returns the server's maxima.
     */
    static Peak samplePeaks(Server server, long untilMicros, ChildProcesses children)
            throws IOException, InterruptedException {
        long rss = 0;
        long threads = 0;
        while (LoadGenerator.nowMicros() < untilMicros) {
            rss = Math.max(rss, server.rssKb());
            threads = Math.max(threads, server.threads());
            if (children != null) {
                children.sample();
            }
            sleepUntil(Math.min(untilMicros, LoadGenerator.nowMicros() + 1_000_000));
        }
        return new Peak(rss, threads);
    }

    static void sleepUntil(long epochMicros) throws InterruptedException {
        long left;
        while ((left = epochMicros - LoadGenerator.nowMicros()) > 0) {
            TimeUnit.MICROSECONDS.sleep(left);
        }
    }

    /** {@code n} viewers spread over {@code groups} as evenly as can be, the first groups taking one more. */
    static int[] spread(int n, int groups) {
        int[] share = new int[groups];
        for (int i = 0; i < groups; i++) {
            share[i] = n / groups + (i < n % groups ? 1 : 0);
        }
        return share;
    }

    /** {@code a=1,b=2} to a map, in order. */
    static Map<String, String> keyValues(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : s.split(",")) {
            if (kv.isBlank()) {
                continue;
            }
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, not " + kv);
            }
            m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return m;
    }

    static double percentile(double[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.floor(p * (sorted.length - 1))];
    }

    static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.floor(p * (sorted.length - 1))];
    }

    /** One result line. */
    static final class Row {
        String label;
        String container;
        /** jpeg (multipart or WebSocket pictures) or mp4 (H.264 in fragmented MP4). */
        String format = "jpeg";
        String source = "";
        String size = "";
        String war;
        double cpuSeconds;
        double cpuMicrosPerFrame;
        int viewers;
        long serverViewers;
        double rampSeconds;
        double fpsMin, fpsP1, fpsMedian, framesPerSecond, mbPerSecond;
        long frames, starved, connectFailures, dropped, outOfOrder;
        String firstFailure;
        double latencyP50, latencyP99, latencyMax;
        /** The longest time any viewer waited for its next part inside the window. */
        double maxGapMs;
        double cpuPercent, benchCpuPercent, encodesPerSecond, perViewerKb, startupCpu;
        /** Of the viewers of the camera's own stream, when some watch variants; -1 when none of them watch it. */
        double mainFpsMin, mainFpsMedian;
        int variantViewers;
        /** -1 for a WAR that does not count them. */
        double droppedEncodesPerSecond = -1;
        /** H.264 encodes of the camera per second, and the share of one core spent inside them (wall time); -1 without the metric. */
        double h264EncodesPerSecond = -1, h264EncodeCorePercent = -1;
        /** Bytes every reading viewer received per second of the window, on average (HTTP framing included). */
        double kbPerViewerSecond;
        /** MP4 frames skipped (sequence gaps) over all viewers in the window; MP4 streams that did not start at a keyframe. */
        long skipped, startedWithoutKeyframe;
        int measureSeconds;
        long rssIdleKb, rssKb, threads, liveHeapKb;
        double heapPerViewerKb;
        List<String> problems = List.of();

        static final String HEADER = "| container | point | viewers (server saw) | fps/viewer min / p1 / median | frames/s"
                + " | MB/s | starved | connect fail | dropped | latency ms p50 / p99 / max | out of order | server CPU %"
                + " | CPU-µs/frame | RSS idle → run MB | KB/viewer | live heap KB/viewer | threads | encodes/s | bench CPU % | log warnings"
                + " | load |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

        static final String CSV_HEADER = "container,label,viewers,fps_min,fps_p1,fps_median,frames_per_s,"
                + "latency_p50_ms,latency_p99_ms,cpu_percent,cpu_us_per_frame,rss_idle_mb,rss_mb,kb_per_viewer,heap_kb_per_viewer,"
                + "connect_failures,starved,dropped,log_warnings,load,encodes_per_s,main_fps_min,main_fps_median,"
                + "encodes_dropped_per_s,max_gap_ms,war,format,source,size,kb_per_viewer_s,h264_encodes_per_s,"
                + "h264_encode_core_percent,skipped,started_without_keyframe,cpu_seconds,measure_s";

        String markdown() {
            return String.format(Locale.ROOT,
                    "| %s | %s | %d (%d) | %.1f / %.1f / %.1f%s | %.0f | %.1f | %d | %d | %d | %s | %d"
                            + " | %.1f | %.1f | %.0f → %.0f | %.1f | %.1f | %d | %s | %.0f | %d | %s |",
                    container, label, viewers, serverViewers, fpsMin, fpsP1, fpsMedian,
                    variantViewers > 0 && mainFpsMin >= 0
                            ? String.format(Locale.ROOT, " (main stream %.1f / %.1f)", mainFpsMin, mainFpsMedian) : "",
                    framesPerSecond, mbPerSecond,
                    starved, connectFailures, dropped,
                    format.equals("mp4") ? "–" : String.format(Locale.ROOT, "%.1f / %.1f / %.1f", latencyP50, latencyP99, latencyMax),
                    outOfOrder, cpuPercent,
                    cpuMicrosPerFrame, rssIdleKb / 1024.0, rssKb / 1024.0, perViewerKb, heapPerViewerKb, threads,
                    format.equals("mp4") ? String.format(Locale.ROOT, "%.1f H.264", h264EncodesPerSecond)
                            : String.format(Locale.ROOT, "%.1f", encodesPerSecond)
                            + (droppedEncodesPerSecond > 0 ? String.format(Locale.ROOT, " (%.1f dropped)", droppedEncodesPerSecond) : ""),
                    benchCpuPercent, problems.size(), loadAverage())
                    + (firstFailure == null ? "" : " first failure: " + firstFailure);
        }

        String csv() {
            return String.format(Locale.ROOT, "%s,%s,%d,%.2f,%.2f,%.2f,%.0f,%.2f,%.2f,%.1f,%.2f,%.1f,%.1f,%.2f,%.2f,%d,%d,%d,%d,%s"
                            + ",%.1f,%.2f,%.2f,%.1f,%.1f,%s,%s,%s,%s,%.2f,%.2f,%.2f,%d,%d,%.3f,%d",
                    container, label.replace(',', ' '), viewers, fpsMin, fpsP1, fpsMedian, framesPerSecond, latencyP50,
                    latencyP99, cpuPercent, cpuMicrosPerFrame, rssIdleKb / 1024.0, rssKb / 1024.0, perViewerKb, heapPerViewerKb,
                    connectFailures, starved, dropped, problems.size(), loadAverage(), encodesPerSecond, mainFpsMin,
                    mainFpsMedian, droppedEncodesPerSecond, maxGapMs, war == null ? "" : war.replace(',', ' '),
                    format, source.replace(',', ' '), size, kbPerViewerSecond, h264EncodesPerSecond, h264EncodeCorePercent,
                    skipped, startedWithoutKeyframe, cpuSeconds, measureSeconds);
        }

        static String loadAverage() {
            try {
                return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            } catch (IOException e) {
                return "?";
            }
        }
    }
}
