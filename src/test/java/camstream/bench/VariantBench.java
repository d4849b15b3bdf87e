package camstream.bench;

import camstream.NativeOpenCv;
import camstream.config.CameraConfig;
import camstream.encode.JpegEncoder;
import camstream.encode.JpegEncoders;
import camstream.encode.TurboJpegEncoder;
import camstream.source.TestPatternSource;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Times what one size variant adds to the capture thread's work per frame, on the test pattern:
 * the downscale and the encode of the smaller picture, next to the encode of the full one. Rounds
 * alternate so that load from other processes hits them alike; prints medians (ms) as Markdown.
 *
 * <pre>java -cp ... camstream.bench.VariantBench [source WxH, default 640x480] [variant WxH, default 320x240] [rounds, default 5]</pre>
 */
public final class VariantBench {

    private static final int QUALITY = 80;

    private VariantBench() {
    }

    public static void main(String[] args) {
        String[] src = (args.length > 0 ? args[0] : "640x480").split("x");
        String[] dst = (args.length > 1 ? args[1] : "320x240").split("x");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        NativeOpenCv.load();
        JpegEncoder turbo = JpegEncoders.choose(JpegEncoders.TURBOJPEG).get();
        if (!(turbo instanceof TurboJpegEncoder)) {
            throw new IllegalStateException("libturbojpeg.so.0 is not installed (apt-get install libturbojpeg0)");
        }
        int w = Integer.parseInt(src[0]);
        int h = Integer.parseInt(src[1]);
        Size small = new Size(Integer.parseInt(dst[0]), Integer.parseInt(dst[1]));
        CameraConfig cfg = new CameraConfig("bench", "Bench", camstream.config.SourceSpec.parse("test-pattern"), w, h, 30,
                QUALITY, List.of());
        TestPatternSource source = new TestPatternSource(cfg, null);
        source.open();
        Mat frame = new Mat();
        source.read(frame);
        Mat scaled = new Mat();
        List<Double> full = new ArrayList<>();
        List<Double> area = new ArrayList<>();
        List<Double> linear = new ArrayList<>();
        List<Double> encodeSmall = new ArrayList<>();
        System.out.println("OpenCV threads: " + Core.getNumThreads());
        for (int r = 0; r < rounds + 1; r++) {
            boolean warmUp = r == 0;
            time(warmUp, full, () -> turbo.encode(frame, QUALITY));
            time(warmUp, area, () -> Imgproc.resize(frame, scaled, small, 0, 0, Imgproc.INTER_AREA));
            time(warmUp, linear, () -> Imgproc.resize(frame, scaled, small, 0, 0, Imgproc.INTER_LINEAR));
            Imgproc.resize(frame, scaled, small, 0, 0, Imgproc.INTER_AREA);
            time(warmUp, encodeSmall, () -> turbo.encode(scaled, QUALITY));
        }
        System.out.println("| source | variant | encode source ms | resize INTER_AREA ms | resize INTER_LINEAR ms | encode variant ms |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        System.out.printf(Locale.ROOT, "| %dx%d | %dx%d | %.3f | %.3f | %.3f | %.3f |%n", w, h, (int) small.width,
                (int) small.height, median(full), median(area), median(linear), median(encodeSmall));
        source.close();
        turbo.close();
    }

    /** Runs {@code task} for 2 s, recording each run's time unless warming up. */
    private static void time(boolean warmUp, List<Double> into, Runnable task) {
        long end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            task.run();
            if (!warmUp) {
                into.add((System.nanoTime() - t0) / 1e6);
            }
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
