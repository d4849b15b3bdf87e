package camstream.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The tables of {@code bench/H264.md} from the CSV rows of {@code bench/run h264}: MJPEG and H.264 viewers
 * of the same camera side by side, as medians over the runs of each point (each run's figure in brackets
 * when there are several).
 *
 * <pre>H264Report rows.csv bytes|cpu|load</pre>
 */
public final class H264Report {

    private static final String JPEG = "jpeg";
    private static final String MP4 = "mp4";

    private final List<Map<String, String>> rows;

    private H264Report(List<Map<String, String>> rows) {
        this.rows = rows;
    }

    public static void main(String[] args) throws IOException {
        H264Report r = new H264Report(Csv.read(Path.of(args[0])));
        switch (args[1]) {
            case "bytes" -> r.bytes();
            case "cpu" -> r.encoderCpu();
            case "load" -> r.load();
            default -> throw new IllegalArgumentException("bytes, cpu or load, not " + args[1]);
        }
    }

    /** Bytes per viewer-second with one viewer, for each source and size. */
    private void bytes() {
        System.out.println("| source | size | container | MJPEG KB/s | H.264 KB/s | H.264 / MJPEG | fps MJPEG / H.264 |");
        System.out.println("|---|---|---|---|---|---|---|");
        oneViewer((p, c, j, v) -> {
            double jk = median(j, "kb_per_viewer_s");
            double vk = median(v, "kb_per_viewer_s");
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %.3f (1/%.1f) | %.1f / %.1f |%n", p[0], p[1], c,
                    runs(j, "kb_per_viewer_s", "%.0f"), runs(v, "kb_per_viewer_s", "%.0f"), vk / jk, jk / vk,
                    median(j, "fps_median"), median(v, "fps_median"));
        });
    }

    /** The camera's encode cost with one viewer: time inside H.264 encodes, and the process's CPU beside an MJPEG viewer's. */
    private void encoderCpu() {
        System.out.println("| source | size | container | H.264 encodes/s | time in H.264 encodes, % of a core | server CPU %, 1 MJPEG viewer"
                + " | server CPU %, 1 H.264 viewer | difference, % of a core |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        oneViewer((p, c, j, v) -> System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1f | %s | %s | %s | %+.0f |%n",
                p[0], p[1], c, median(v, "h264_encodes_per_s"), runs(v, "h264_encode_core_percent", "%.1f"),
                runs(j, "cpu_percent", "%.0f"), runs(v, "cpu_percent", "%.0f"),
                median(v, "cpu_percent") - median(j, "cpu_percent")));
    }

    /** One line of a table: a source and size ({@code {source, size}}) in a container, its MJPEG and H.264 rows. */
    private interface Line {
        void print(String[] sourceAndSize, String container, List<Map<String, String>> jpeg, List<Map<String, String>> mp4);
    }

    /** Calls {@code line} for each source, size and container measured with one MJPEG and one H.264 viewer. */
    private void oneViewer(Line line) {
        for (String[] p : sourcesAndSizes()) {
            for (String c : containers()) {
                List<Map<String, String>> j = select(c, JPEG, p[0], p[1], 1);
                List<Map<String, String>> v = select(c, MP4, p[0], p[1], 1);
                if (!j.isEmpty() && !v.isEmpty()) {
                    line.print(p, c, j, v);
                }
            }
        }
    }

    /** Server CPU per delivered frame and fps of the test pattern at each number of viewers. */
    private void load() {
        System.out.println("| container | viewers | CPU-µs/frame MJPEG | CPU-µs/frame H.264 | H.264 / MJPEG | fps p1 MJPEG / H.264"
                + " | fps median MJPEG / H.264 | server CPU % MJPEG / H.264 | MB/s MJPEG / H.264 | H.264 frames skipped/s"
                + " | starved, dropped, connect fail (MJPEG / H.264) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        Set<Integer> viewers = new java.util.TreeSet<>();
        for (Map<String, String> r : rows) {
            if (r.get("source").equals("test-pattern") && r.get("size").equals("640x480")) {
                viewers.add(Integer.parseInt(r.get("viewers")));
            }
        }
        for (String c : containers()) {
            for (int n : viewers) {
                List<Map<String, String>> j = select(c, JPEG, "test-pattern", "640x480", n);
                List<Map<String, String>> v = select(c, MP4, "test-pattern", "640x480", n);
                if (j.isEmpty() || v.isEmpty()) {
                    continue;
                }
                System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | ×%.2f | %s / %s | %.1f / %.1f | %.0f / %.0f | %.1f / %.1f | %.1f | %s / %s |%n",
                        c, n, runs(j, "cpu_us_per_frame", "%.1f"), runs(v, "cpu_us_per_frame", "%.1f"),
                        median(v, "cpu_us_per_frame") / median(j, "cpu_us_per_frame"),
                        runs(j, "fps_p1", "%.1f"), runs(v, "fps_p1", "%.1f"), median(j, "fps_median"), median(v, "fps_median"),
                        median(j, "cpu_percent"), median(v, "cpu_percent"),
                        median(j, "kb_per_viewer_s") * n / 1024, median(v, "kb_per_viewer_s") * n / 1024,
                        median(v, "skipped") / n / median(v, "measure_s"), failures(j), failures(v));
            }
        }
    }

    private static String failures(List<Map<String, String>> rs) {
        return sum(rs, "starved") + ", " + sum(rs, "dropped") + ", " + sum(rs, "connect_failures");
    }


    private List<String> containers() {
        return rows.stream().map(r -> r.get("container")).distinct().toList();
    }

    /** Each source and size measured, in the order first run. */
    private List<String[]> sourcesAndSizes() {
        Set<String> seen = new LinkedHashSet<>();
        for (Map<String, String> r : rows) {
            seen.add(r.get("source") + "\t" + r.get("size"));
        }
        return seen.stream().map(s -> s.split("\t")).toList();
    }

    private List<Map<String, String>> select(String container, String format, String source, String size, int viewers) {
        Predicate<Map<String, String>> p = r -> r.get("container").equals(container) && r.get("format").equals(format)
                && r.get("source").equals(source) && r.get("size").equals(size)
                && Integer.parseInt(r.get("viewers")) == viewers;
        return rows.stream().filter(p).toList();
    }

    private static double median(List<Map<String, String>> rs, String key) {
        return Csv.median(Csv.values(rs, key));
    }

    private static long sum(List<Map<String, String>> rs, String key) {
        return rs.stream().mapToLong(r -> Long.parseLong(r.get(key))).sum();
    }

    private static String runs(List<Map<String, String>> rs, String key, String format) {
        return Csv.runs(Csv.values(rs, key), format);
    }
}
