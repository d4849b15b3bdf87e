package camstream.bench;

import camstream.support.EmbeddedCamstream;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Recording's cost, one camera recording continuously and nobody watching (bench/run record): the
 * recorder thread's CPU, the encode it causes (H.264, or JPEG for MJPEG in AVI), the whole server's
 * CPU, and the bytes written, over a window, per hour. Embedded Jetty in this JVM, so that its threads'
 * CPU times can be read.
 *
 * <p>Arguments: source (test-pattern or file:...), format (mp4 or avi), size (640x480), fps, warmup
 * and measure seconds. Prints one Markdown table row.
 */
public final class RecordBench {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private RecordBench() {
    }

    public static void main(String[] args) throws Exception {
        String source = args[0];
        String format = args[1];
        String[] size = args[2].split("x");
        String fps = args[3];
        int warmup = Integer.parseInt(args[4]);
        int measure = Integer.parseInt(args[5]);
        Path dir = Files.createTempDirectory("camstream-record-bench");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (EmbeddedCamstream server = EmbeddedCamstream.start(Map.of(
                "camstream.cameras", "cam", "camstream.camera.cam.source", source,
                "camstream.width", size[0], "camstream.height", size[1], "camstream.fps", fps,
                "camstream.recordings", dir.toString(), "camstream.record", "continuous",
                "camstream.record.format", format, "camstream.record.fileSeconds", "600"))) {
            URI metrics = server.uri("metrics");
            Thread.sleep(warmup * 1000L);
            long recorder0 = recorderCpu(threads);
            long process0 = os.getProcessCpuTime();
            String m0 = get(metrics);
            long t0 = System.nanoTime();
            Thread.sleep(measure * 1000L);
            long t1 = System.nanoTime();
            long recorder1 = recorderCpu(threads);
            long process1 = os.getProcessCpuTime();
            String m1 = get(metrics);
            double wall = (t1 - t0) / 1e9;
            double h264 = value(m1, "camstream_h264_encode_seconds_total") - value(m0, "camstream_h264_encode_seconds_total");
            double jpeg = value(m1, "camstream_encode_seconds_sum") - value(m0, "camstream_encode_seconds_sum");
            double bytes = value(m1, "camstream_recording_bytes_total") - value(m0, "camstream_recording_bytes_total");
            double captured = value(m1, "camstream_frames_captured_total") - value(m0, "camstream_frames_captured_total");
            System.out.printf("| %s | %s | %sx%s@%s | %.1f | %.2f | %.1f | %.1f | %.1f | %.0f | %.0f |%n",
                    source.startsWith("file:") ? "moving clip" : source, format, size[0], size[1], fps, captured / wall,
                    100.0 * (recorder1 - recorder0) / 1e9 / wall, 100.0 * h264 / wall, 100.0 * jpeg / wall,
                    100.0 * (process1 - process0) / 1e9 / wall, bytes / wall * 3600 / 1e6, bytes / wall / 1e3 * 8);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long recorderCpu(ThreadMXBean threads) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("camstream-record-")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    private static String get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double value(String metrics, String name) {
        String prefix = name + "{camera=\"cam\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElse(0);
    }
}
