package camstream.bench;

import camstream.support.RtspCamera;

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
 * One camera in one server, watched in phases that only add viewers: e.g. one H.264 viewer, then 100,
 * then 100 and one MJPEG viewer. Each phase has its warm-up and its measured window and makes one CSV
 * row; the phases run back to back in the same server, so that what a phase adds is measured against
 * the phase before under the same conditions. Besides the server JVM's CPU (in groups of threads, see
 * {@link ServerThreads}) it measures its child processes (ffmpeg, see {@link ChildProcesses}) and,
 * apart from both, the IP camera's own process.
 *
 * <pre>
 * RtspBench --war camstream.war --container tomcat11|jetty12|tomcat10|embedded --source rtsp|pattern
 *           [--rtsp-path /h264-1080] [--size 1920x1080] [--fps 30] [--phases 1,100,100+1]
 *           [--camera-settings h264Bitrate=400] [--warmup 5] [--measure 10] [--threads 2] [--csv rows.csv]
 * </pre>
 * {@code --source rtsp}: the tests' GStreamer RTSP server ({@link RtspCamera}), started for the run, serves
 * {@code --rtsp-path}; {@code pattern}: camstream's test pattern, encoded to H.264 by camstream. A phase
 * {@code N+M} has N viewers of {@code /stream/ip.mp4} and M of {@code /stream/ip} (MJPEG).
 */
public final class RtspBench {

    private static final String CAMERA = "ip";

    private record Phase(int h264, int jpeg) {
        static Phase parse(String s) {
            String[] p = s.split("\\+");
            return new Phase(Integer.parseInt(p[0].trim()), p.length > 1 ? Integer.parseInt(p[1].trim()) : 0);
        }

        String label() {
            return h264 + " H.264" + (jpeg > 0 ? " + " + jpeg + " MJPEG" : "");
        }
    }

    private final Map<String, String> opts;

    private RtspBench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        RtspBench b = new RtspBench(opts);
        if (opt(opts, "source", "rtsp").equals("rtsp")) {
            try (RtspCamera camera = RtspCamera.start()) {
                b.run(camera);
            }
        } else {
            b.run(null);
        }
        System.exit(0); // the JDK's HTTP client keeps a non-daemon selector thread
    }

    private static String opt(Map<String, String> opts, String key, String def) {
        return opts.getOrDefault(key, def);
    }

    private String opt(String key, String def) {
        return opt(opts, key, def);
    }

    private int intOpt(String key, int def) {
        return Integer.parseInt(opt(key, Integer.toString(def)));
    }

    private void run(RtspCamera camera) throws Exception {
        String container = opt("container", "tomcat11");
        String[] wh = opt("size", "1920x1080").split("x");
        List<Phase> phases = Arrays.stream(opt("phases", "1,100,100+1").split(",")).map(Phase::parse).toList();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camstream.cameras", CAMERA);
        settings.put("camstream.camera." + CAMERA + ".source",
                camera == null ? "test-pattern" : camera.url(opt("rtsp-path", "/h264-1080"), null));
        settings.put("camstream.camera." + CAMERA + ".width", wh[0]);
        settings.put("camstream.camera." + CAMERA + ".height", wh[1]);
        settings.put("camstream.camera." + CAMERA + ".fps", opt("fps", "30"));
        settings.put("camstream.idleTimeout", "10");
        Bench.keyValues(opt("camera-settings", "")).forEach((k, v) -> settings.put("camstream.camera." + CAMERA + "." + k, v));
        String source = camera == null ? "pattern" : "rtsp";
        Path log = Path.of("target/bench/rtsp-" + container + "-" + source + ".log");

        try (Server server = Bench.start(container, Path.of(opt("war", "target/camstream.war")), settings, log)) {
            System.err.println(server.describe() + ", pid " + server.pid() + ": " + server.commandLine());
            Measure idle = new Measure();
            idle.rssKb = server.rssKb();
            idle.heapKb = Bench.liveHeapKb(server);
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", server.port());
            String stream = server.contextPath() + "/stream/" + CAMERA;
            int threads = intOpt("threads", 2);
            try (LoadGenerator h264 = new LoadGenerator(addr, stream + ".mp4", threads);
                 LoadGenerator jpeg = new LoadGenerator(addr, stream, 1)) {
                // One window, never closed: each phase reads the counters at its start and end.
                h264.window(LoadGenerator.nowMicros(), Long.MAX_VALUE);
                jpeg.window(LoadGenerator.nowMicros(), Long.MAX_VALUE);
                for (Phase p : phases) {
                    Measure m = phase(server, camera, h264, jpeg, p);
                    m.container = container;
                    m.source = source;
                    m.idle = idle;
                    m.warnings = server.problems().size();
                    System.out.println(m.line());
                    append(m.csv());
                }
            }
        }
    }

    /** Adds the phase's viewers, waits out the warm-up, measures the window. */
    private Measure phase(Server server, RtspCamera camera, LoadGenerator h264, LoadGenerator jpeg, Phase p) throws Exception {
        int warmup = intOpt("warmup", 5);
        int measure = intOpt("measure", 10);
        long rampTimeout = TimeUnit.SECONDS.toNanos(30 + p.h264() / 50);
        h264.open(p.h264() - h264.connections().size(), true, rampTimeout);
        jpeg.open(p.jpeg() - jpeg.connections().size(), true, rampTimeout);
        long start = LoadGenerator.nowMicros() + warmup * 1_000_000L;
        long end = start + measure * 1_000_000L;
        Bench.sleepUntil(start);

        Measure m = new Measure();
        m.phase = p;
        m.measureSeconds = measure;
        m.loadStart = Bench.Row.loadAverage();
        long[] h264Parts0 = parts(h264);
        long[] jpegParts0 = parts(jpeg);
        long bytes0 = h264.windowBytes();
        long skipped0 = skipped(h264);
        long jpegEncodes0 = server.metric("camstream_frames_encoded_total", CAMERA);
        long h264Encodes0 = server.metric("camstream_h264_frames_encoded_total", CAMERA);
        long captured0 = server.metric("camstream_frames_captured_total", CAMERA);
        double cpu0 = server.cpuSeconds();
        ServerThreads threads = ServerThreads.start(server.pid());
        ChildProcesses children = ChildProcesses.start(server.pid());
        Path cameraStat = camera == null ? null : Path.of("/proc", Long.toString(camera.pid()), "stat");
        double camera0 = cameraStat == null ? 0 : Server.cpuSeconds(cameraStat);

        Bench.Peak peak = Bench.samplePeaks(server, end, children);

        m.cpu = server.cpuSeconds() - cpu0;
        m.threads = threads.stop();
        m.children = children.stop();
        m.cameraCpu = cameraStat == null ? -1 : Server.cpuSeconds(cameraStat) - camera0;
        double[] h264Rates = rates(parts(h264), h264Parts0, measure);
        double[] jpegRates = rates(parts(jpeg), jpegParts0, measure);
        m.h264Frames = Math.round(Arrays.stream(h264Rates).sum() * measure);
        m.jpegFrames = Math.round(Arrays.stream(jpegRates).sum() * measure);
        m.h264FpsMin = h264Rates.length == 0 ? 0 : h264Rates[0];
        m.h264FpsMedian = Bench.percentile(h264Rates, 0.5);
        m.jpegFpsMedian = Bench.percentile(jpegRates, 0.5);
        m.h264Bytes = h264.windowBytes() - bytes0;
        m.skipped = skipped(h264) - skipped0;
        m.jpegEncodes = server.metric("camstream_frames_encoded_total", CAMERA) - jpegEncodes0;
        m.h264Encodes = server.metric("camstream_h264_frames_encoded_total", CAMERA) - h264Encodes0;
        m.captured = server.metric("camstream_frames_captured_total", CAMERA) - captured0;
        m.serverViewers = server.metric("camstream_viewers", CAMERA);
        m.failures = failures(h264) + failures(jpeg);
        m.rssKb = peak.rssKb();
        m.threadCount = peak.threads();
        m.loadEnd = Bench.Row.loadAverage();
        m.heapKb = Bench.liveHeapKb(server); // a full collection: after the window
        return m;
    }

    private static long[] parts(LoadGenerator gen) {
        return gen.connections().stream().mapToLong(LoadGenerator.Connection::windowParts).toArray();
    }

    private static long skipped(LoadGenerator gen) {
        return gen.connections().stream().mapToLong(LoadGenerator.Connection::windowSkipped).sum();
    }

    /** Viewers that never got their response head or whose stream ended. */
    private static long failures(LoadGenerator gen) {
        return gen.connections().stream().filter(c -> !c.connected() || c.failure() != null).count();
    }

    /** Each viewer's frames per second between the two counts, sorted. */
    private static double[] rates(long[] end, long[] start, int seconds) {
        double[] r = new double[end.length];
        for (int i = 0; i < end.length; i++) {
            r[i] = (end[i] - (i < start.length ? start[i] : 0)) / (double) seconds;
        }
        Arrays.sort(r);
        return r;
    }

    private void append(String row) throws IOException {
        String file = opts.get("csv");
        if (file == null) {
            return;
        }
        Path csv = Path.of(file).toAbsolutePath();
        Files.createDirectories(csv.getParent());
        if (!Files.exists(csv)) {
            Files.writeString(csv, Measure.CSV_HEADER + "\n", StandardCharsets.UTF_8);
        }
        Files.writeString(csv, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** What one phase measured; {@code idle} is the server before the first viewer. */
    private static final class Measure {
        static final String CSV_HEADER = "container,source,phase,h264_viewers,jpeg_viewers,server_viewers,h264_fps_min,"
                + "h264_fps_median,jpeg_fps_median,frames_per_s,kb_per_h264_viewer_s,skipped_per_s,failures,"
                + "server_cpu_percent,camera_threads_cpu_percent,jvm_threads_cpu_percent,delivery_cpu_percent,"
                + "cpu_us_per_frame,ffmpeg_cpu_percent,decoder_cpu_percent,ffmpeg_rss_mb,ffmpeg_rss_anon_mb,decoder_rss_mb,"
                + "decoder_rss_anon_mb,ffmpeg_processes,ip_camera_cpu_percent,rss_idle_mb,rss_mb,heap_idle_mb,heap_mb,"
                + "threads,jpeg_encodes_per_s,h264_encodes_per_s,captured_per_s,load_start,load_end,log_warnings,measure_s,"
                + "capture_cpu_percent,rtsp_reader_cpu_percent,decode_pipes_cpu_percent,encoders_cpu_percent";

        String container, source, loadStart, loadEnd;
        Phase phase;
        Measure idle;
        int measureSeconds;
        double cpu, cameraCpu;
        ServerThreads.Usage threads;
        ChildProcesses.Usage children;
        long h264Frames, jpegFrames, h264Bytes, skipped, jpegEncodes, h264Encodes, captured, serverViewers, failures;
        double h264FpsMin, h264FpsMedian, jpegFpsMedian;
        long rssKb, heapKb, threadCount;
        int warnings;

        private double percent(double seconds) {
            return 100 * seconds / measureSeconds;
        }

        private double perSecond(long n) {
            return n / (double) measureSeconds;
        }

        String csv() {
            long frames = h264Frames + jpegFrames;
            return String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%.2f,%.2f,%.2f,%.1f,%.2f,%.2f,%d,%.1f,%.1f,%.1f,%.1f,%.2f,"
                            + "%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%.1f,%.1f,%.1f,%s,%s,%d,%d,%.1f,%.1f,%.1f,%.1f",
                    container, source, phase.label(), phase.h264(), phase.jpeg(), serverViewers, h264FpsMin, h264FpsMedian,
                    jpegFpsMedian, perSecond(frames), phase.h264() == 0 ? 0 : h264Bytes / 1024.0 / measureSeconds / phase.h264(),
                    perSecond(skipped), failures, percent(cpu), percent(threads.camera()), percent(threads.jvm()),
                    percent(threads.delivery()), frames == 0 ? 0 : cpu * 1e6 / frames, percent(children.cpuSeconds()),
                    percent(children.decoderCpuSeconds()), children.rssKb() / 1024.0, children.rssAnonKb() / 1024.0,
                    children.decoderRssKb() / 1024.0, children.decoderRssAnonKb() / 1024.0, children.seen(),
                    cameraCpu < 0 ? -1 : percent(cameraCpu), idle.rssKb / 1024.0, rssKb / 1024.0, idle.heapKb / 1024.0,
                    heapKb / 1024.0, threadCount, perSecond(jpegEncodes), perSecond(h264Encodes), perSecond(captured),
                    loadStart, loadEnd, warnings, measureSeconds, percent(threads.capture()), percent(threads.rtsp()),
                    percent(threads.decode()), percent(threads.encode()));
        }

        /** For the console: the figures to glance at while it runs. */
        String line() {
            return String.format(Locale.ROOT, "%s %s, %s: fps %.1f (min %.1f)%s, server CPU %.1f %% (camera threads %.1f,"
                            + " delivery %.1f, JVM %.1f), ffmpeg %d: CPU %.1f %% (decoder %.1f), RSS %.0f MB; IP camera %.1f %%;"
                            + " heap %.0f → %.0f MB, RSS %.0f → %.0f MB; %d failures, %d log warnings",
                    container, source, phase.label(), h264FpsMedian, h264FpsMin,
                    phase.jpeg() > 0 ? String.format(Locale.ROOT, ", MJPEG %.1f", jpegFpsMedian) : "",
                    percent(cpu), percent(threads.camera()), percent(threads.delivery()), percent(threads.jvm()),
                    children.seen(), percent(children.cpuSeconds()), percent(children.decoderCpuSeconds()),
                    children.rssKb() / 1024.0, cameraCpu < 0 ? -1 : percent(cameraCpu), idle.heapKb / 1024.0,
                    heapKb / 1024.0, idle.rssKb / 1024.0, rssKb / 1024.0, failures, warnings);
        }
    }
}
