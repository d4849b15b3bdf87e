package camstream.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The tables of {@code bench/RTSP.md} from the CSV rows of {@link RtspBench}: medians over the runs, each
 * run's figure in brackets. Ratios and differences of two phases of one run are taken run by run, then
 * their median; those of an RTSP run against a test-pattern run are ratios of the two medians.
 *
 * <pre>RtspReport rows.csv passthrough|writes|decode|memory</pre>
 */
public final class RtspReport {

    private static final String RTSP = "rtsp";
    private static final String PATTERN = "pattern";
    private static final String ONE = "1 H.264";
    private static final String HUNDRED = "100 H.264";
    private static final String WITH_MJPEG = "100 H.264 + 1 MJPEG";

    private final List<Map<String, String>> rows;

    private RtspReport(List<Map<String, String>> rows) {
        this.rows = rows;
    }

    public static void main(String[] args) throws IOException {
        RtspReport r = new RtspReport(Csv.read(Path.of(args[0])));
        switch (args[1]) {
            case "passthrough" -> r.passthrough();
            case "writes" -> r.writes();
            case "decode" -> r.decode();
            case "memory" -> r.memory();
            default -> throw new IllegalArgumentException("passthrough, writes, decode or memory, not " + args[1]);
        }
    }

    /** Where the CPU goes with 1 and with 100 H.264 viewers of the RTSP camera. */
    private void passthrough() {
        System.out.println("| container | viewers | JVM CPU % | of it delivery / camera threads (capture, RTSP reader) / JVM's own"
                + " | ffmpeg reader CPU % | µs per delivered frame, JVM + ffmpeg | fps | KB/s per viewer"
                + " | IP camera's process CPU % (not counted) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String c : containers()) {
            for (String phase : List.of(ONE, HUNDRED)) {
                List<Map<String, String>> r = select(c, RTSP, phase);
                if (r.isEmpty()) {
                    continue;
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s / %s (%s, %s) / %s | %s | %s | %s | %s | %s |%n",
                        c, r.get(0).get("h264_viewers"), runs(r, "server_cpu_percent", "%.1f"),
                        median(r, "delivery_cpu_percent", "%.1f"), median(r, "camera_threads_cpu_percent", "%.1f"),
                        median(r, "capture_cpu_percent", "%.1f"), median(r, "rtsp_reader_cpu_percent", "%.1f"),
                        median(r, "jvm_threads_cpu_percent", "%.1f"), runs(r, "ffmpeg_cpu_percent", "%.1f"),
                        Csv.runs(perFrame(r, true), "%.0f"), median(r, "h264_fps_median", "%.1f"),
                        median(r, "kb_per_h264_viewer_s", "%.0f"), runs(r, "ip_camera_cpu_percent", "%.0f"));
            }
        }
    }

    /** 100 H.264 viewers of the RTSP camera against 100 of the test pattern minus its camera threads, per delivered frame. */
    private void writes() {
        System.out.println("| container | RTSP: JVM + ffmpeg, µs per frame | writes alone: pattern's JVM minus its camera threads,"
                + " µs per frame | RTSP / writes alone | delivery threads only, µs per frame, RTSP / pattern | pattern: JVM CPU %"
                + " | of it camera threads (draw + encode) | pattern: fps, KB/s per viewer |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (String c : containers()) {
            List<Map<String, String>> r = select(c, RTSP, HUNDRED);
            List<Map<String, String>> p = select(c, PATTERN, HUNDRED);
            if (r.isEmpty() || p.isEmpty()) {
                continue;
            }
            double[] rtsp = perFrame(r, true);
            double[] writes = perFrame(p, false);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | ×%.2f | %s / %s | %s | %s | %s, %s |%n",
                    c, Csv.runs(rtsp, "%.1f"), Csv.runs(writes, "%.1f"), Csv.median(rtsp) / Csv.median(writes),
                    Csv.runs(each(r, m -> num(m, "delivery_cpu_percent") * 1e4 / num(m, "frames_per_s")), "%.1f"),
                    Csv.runs(each(p, m -> num(m, "delivery_cpu_percent") * 1e4 / num(m, "frames_per_s")), "%.1f"),
                    runs(p, "server_cpu_percent", "%.1f"), runs(p, "camera_threads_cpu_percent", "%.1f"),
                    median(p, "h264_fps_median", "%.1f"), median(p, "kb_per_h264_viewer_s", "%.0f"));
        }
    }

    /**
     * CPU µs per delivered frame, run by run: the JVM and its ffmpeg processes ({@code all}), or the JVM
     * without its camera threads.
     */
    private static double[] perFrame(List<Map<String, String>> rs, boolean all) {
        return each(rs, m -> (all ? num(m, "server_cpu_percent") + num(m, "ffmpeg_cpu_percent")
                : num(m, "server_cpu_percent") - num(m, "camera_threads_cpu_percent")) * 1e4 / num(m, "frames_per_s"));
    }

    /** What one MJPEG viewer adds to 100 H.264 viewers of the RTSP camera, run by run. */
    private void decode() {
        System.out.println("| container | JVM CPU %, 100 H.264 → + 1 MJPEG | JVM added | of it decoder pipes / capture / encoders"
                + " | decoder ffmpeg CPU %"
                + " | reader ffmpeg CPU %, before → after | added in all (JVM + decoder) | JPEG encodes/s | MJPEG viewer fps"
                + " | added CPU per picture, ms | H.264 viewers' fps before → after |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (String c : containers()) {
            List<Map<String, String>> before = select(c, RTSP, HUNDRED);
            List<Map<String, String>> after = select(c, RTSP, WITH_MJPEG);
            if (before.isEmpty() || before.size() != after.size()) {
                continue;
            }
            double[] jvm = new double[after.size()];
            double[][] threads = new double[3][after.size()];
            double[] all = new double[after.size()];
            double[] perPicture = new double[after.size()];
            double[] reader = new double[after.size()];
            for (int i = 0; i < after.size(); i++) {
                Map<String, String> b = before.get(i);
                Map<String, String> a = after.get(i);
                jvm[i] = num(a, "server_cpu_percent") - num(b, "server_cpu_percent");
                String[] kinds = {"decode_pipes_cpu_percent", "capture_cpu_percent", "encoders_cpu_percent"};
                for (int k = 0; k < kinds.length; k++) {
                    threads[k][i] = num(a, kinds[k]) - num(b, kinds[k]);
                }
                all[i] = jvm[i] + num(a, "decoder_cpu_percent");
                perPicture[i] = all[i] * 10 / num(a, "jpeg_encodes_per_s");
                reader[i] = num(a, "ffmpeg_cpu_percent") - num(a, "decoder_cpu_percent");
            }
            System.out.printf(Locale.ROOT, "| %s | %s → %s | %s | %+.1f / %+.1f / %+.1f | %s | %s → %s | %s | %s | %s | %s | %s → %s |%n",
                    c, median(before, "server_cpu_percent", "%.1f"), median(after, "server_cpu_percent", "%.1f"),
                    Csv.runs(jvm, "%+.1f"), Csv.median(threads[0]), Csv.median(threads[1]), Csv.median(threads[2]),
                    runs(after, "decoder_cpu_percent", "%.1f"),
                    median(before, "ffmpeg_cpu_percent", "%.1f"), String.format(Locale.ROOT, "%.1f", Csv.median(reader)),
                    Csv.runs(all, "%.1f"), runs(after, "jpeg_encodes_per_s", "%.1f"), runs(after, "jpeg_fps_median", "%.1f"),
                    Csv.runs(perPicture, "%.2f"), median(before, "h264_fps_median", "%.1f"), median(after, "h264_fps_median", "%.1f"));
        }
    }

    /** The server's memory idle and in each phase, and its ffmpeg processes'. */
    private void memory() {
        System.out.println("| container | camera | phase | JVM live heap MB (after a full GC) | JVM RSS MB (largest) | threads"
                + " | ffmpeg processes | ffmpeg RSS MB (anonymous) | of it the decoder's |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String c : containers()) {
            for (String source : List.of(RTSP, PATTERN)) {
                List<Map<String, String>> first = rows.stream()
                        .filter(r -> r.get("container").equals(c) && r.get("source").equals(source)).toList();
                if (first.isEmpty()) {
                    continue;
                }
                first = select(c, source, first.get(0).get("phase"));
                System.out.printf(Locale.ROOT, "| %s | %s | idle (no viewer yet) | %s | %s | | 0 | | |%n", c, source,
                        runs(first, "heap_idle_mb", "%.0f"), runs(first, "rss_idle_mb", "%.0f"));
                for (String phase : List.of(ONE, HUNDRED, WITH_MJPEG)) {
                    List<Map<String, String>> r = select(c, source, phase);
                    if (r.isEmpty()) {
                        continue;
                    }
                    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s (%s) |%n", c, source, phase,
                            runs(r, "heap_mb", "%.0f"), runs(r, "rss_mb", "%.0f"), median(r, "threads", "%.0f"),
                            median(r, "ffmpeg_processes", "%.0f"), runs(r, "ffmpeg_rss_mb", "%.0f"),
                            median(r, "ffmpeg_rss_anon_mb", "%.0f"), median(r, "decoder_rss_mb", "%.0f"),
                            median(r, "decoder_rss_anon_mb", "%.0f"));
                }
            }
        }
    }

    private List<String> containers() {
        return rows.stream().map(r -> r.get("container")).distinct().toList();
    }

    /** The rows of a container, camera and phase, in the order they ran. */
    private List<Map<String, String>> select(String container, String source, String phase) {
        return rows.stream().filter(r -> r.get("container").equals(container) && r.get("source").equals(source)
                && r.get("phase").equals(phase)).toList();
    }

    private static double num(Map<String, String> row, String key) {
        return Double.parseDouble(row.get(key));
    }

    private static double[] each(List<Map<String, String>> rs, ToDoubleFunction<Map<String, String>> f) {
        return rs.stream().mapToDouble(f).toArray();
    }

    private static String runs(List<Map<String, String>> rs, String key, String format) {
        return Csv.runs(Csv.values(rs, key), format);
    }

    private static String median(List<Map<String, String>> rs, String key, String format) {
        return String.format(Locale.ROOT, format, Csv.median(Csv.values(rs, key)));
    }
}
