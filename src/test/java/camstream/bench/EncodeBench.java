package camstream.bench;

import camstream.config.CameraConfig;
import camstream.encode.JpegEncoder;
import camstream.encode.JpegEncoders;
import camstream.NativeOpenCv;
import camstream.encode.OpenCvJpegEncoder;
import camstream.encode.TurboJpegEncoder;
import camstream.source.TestPatternSource;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times the capture thread's work per frame on the test pattern: rendering it, and encoding the
 * same image with OpenCV's imencode, with TurboJPEG, and with libjpeg-turbo's own tjbench (from
 * Debian's libjpeg-turbo-progs, when installed). Rounds alternate between the encoders so that
 * load from other processes hits them alike. Prints medians over all frames (ms), as Markdown;
 * tjbench's figure is a median over rounds of its own mean.
 *
 * <pre>java -cp ... camstream.bench.EncodeBench [seconds per encoder per round, default 3] [rounds, default 3]</pre>
 */
public final class EncodeBench {

    private static final int QUALITY = 80;
    private static final Pattern TJ_FPS = Pattern.compile("Compress\\s+--> Frame rate:\\s+([0-9.]+) fps");

    private EncodeBench() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        NativeOpenCv.load();
        JpegEncoder turbo = JpegEncoders.choose(JpegEncoders.TURBOJPEG).get();
        if (!(turbo instanceof TurboJpegEncoder)) {
            throw new IllegalStateException("libturbojpeg.so.0 is not installed (apt-get install libturbojpeg0)");
        }
        JpegEncoder cv = new OpenCvJpegEncoder();
        // tjbench reports a mean (frames / wall time), so TurboJPEG's mean is the fair comparison.
        System.out.println("| image | render ms | imencode ms | TurboJPEG ms (mean) | tjbench ms (mean) | TurboJPEG / tjbench"
                + " | imencode / TurboJPEG | JPEG bytes (TurboJPEG / imencode) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int[] size : new int[][] {{1920, 1080}, {1280, 720}, {640, 480}}) {
            run(size[0], size[1], seconds, rounds, turbo, cv);
        }
        turbo.close();
        cv.close();
        JpegEncoders.release();
    }

    private static void run(int w, int h, double seconds, int rounds, JpegEncoder turbo, JpegEncoder cv)
            throws IOException, InterruptedException {
        CameraConfig cfg = new CameraConfig("bench", "Bench", camstream.config.SourceSpec.parse("test-pattern"), w, h, 30, QUALITY, List.of());
        TestPatternSource source = new TestPatternSource(cfg, null);
        source.open();
        Mat frame = new Mat();
        List<Double> render = new ArrayList<>();
        List<Double> cvMs = new ArrayList<>();
        List<Double> turboMs = new ArrayList<>();
        List<Double> tjMs = new ArrayList<>();
        // Warm-up: JIT, caches, first-use allocations.
        timeFor(0.5, () -> source.read(frame), new ArrayList<>());
        timeFor(0.5, () -> turbo.encode(frame, QUALITY), new ArrayList<>());
        timeFor(0.5, () -> cv.encode(frame, QUALITY), new ArrayList<>());
        Path ppm = Files.createTempFile("camstream-bench-" + w + "x" + h, ".ppm");
        try {
            if (!Imgcodecs.imwrite(ppm.toString(), frame)) {
                throw new IOException("cannot write " + ppm);
            }
            for (int r = 0; r < rounds; r++) {
                timeFor(seconds / 2, () -> source.read(frame), render);
                timeFor(seconds, () -> turbo.encode(frame, QUALITY), turboMs);
                timeFor(seconds, () -> cv.encode(frame, QUALITY), cvMs);
                double tj = tjbench(ppm, seconds);
                if (tj > 0) {
                    tjMs.add(tj);
                }
            }
        } finally {
            Files.deleteIfExists(ppm);
        }
        double t = median(turboMs);
        double tMean = mean(turboMs);
        double c = median(cvMs);
        double tj = tjMs.isEmpty() ? Double.NaN : median(tjMs);
        System.out.printf(Locale.ROOT, "| %dx%d | %.2f | %.2f | %.2f (%.2f) | %s | %s | %.1fx | %d / %d |%n", w, h,
                median(render), c, t, tMean, tjMs.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", tj),
                tjMs.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2fx", tMean / tj), c / t,
                turbo.encode(frame, QUALITY).length, cv.encode(frame, QUALITY).length);
        frame.release();
        source.close();
    }

    /** Repeats {@code work} for about {@code seconds}, adding each run's milliseconds to {@code out}. */
    private static void timeFor(double seconds, Runnable work, List<Double> out) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t0 = System.nanoTime();
            work.run();
            out.add((System.nanoTime() - t0) / 1e6);
        } while (System.nanoTime() < end);
    }

    /** Milliseconds per frame for libjpeg-turbo's own compressor on the same image; -1 without tjbench. */
    private static double tjbench(Path ppm, double seconds) throws IOException, InterruptedException {
        List<String> cmd = List.of("tjbench", ppm.toString(), String.valueOf(QUALITY), "-subsamp", "420",
                "-componly", "-nowrite", "-warmup", "0.5", "-benchtime", String.valueOf(seconds));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return -1; // not installed: apt-get install libjpeg-turbo-progs
        }
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
            }
        }
        if (!p.waitFor((long) (seconds * 4) + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("tjbench did not finish");
        }
        Matcher m = TJ_FPS.matcher(out);
        if (!m.find()) {
            throw new IOException("unexpected tjbench output:\n" + out);
        }
        return 1000.0 / Double.parseDouble(m.group(1));
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length == 0 ? Double.NaN : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
