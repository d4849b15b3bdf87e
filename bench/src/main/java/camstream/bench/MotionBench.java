package camstream.bench;

import camstream.NativeOpenCv;
import camstream.config.CameraConfig;
import camstream.config.MotionOptions;
import camstream.config.SourceSpec;
import camstream.motion.Motion;
import camstream.source.TestPatternSource;
import org.opencv.core.Mat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/run motion}: the CPU motion detection costs one camera, per second of the camera's life:
 * the capture thread's copy of a picture for it ({@link Motion#due}, {@link Motion#offer}, timed on
 * that thread) and the whole of its thread {@code camstream-motion-{camera}}, both by ThreadMXBean CPU
 * time. The test pattern at 30 fps feeds it (its ball always moves: the detector finds motion in every
 * sample, the costly case), at 640x480 and 1920x1080; ROUNDS rounds of SECONDS seconds after a warm-up, medians.
 * Prints one Markdown table row per size.
 */
public final class MotionBench {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private MotionBench() {
    }

    private record Round(double captureMsPerSecond, double motionMsPerSecond, double samplesPerSecond, long events) {
    }

    public static void main(String[] args) throws Exception {
        if (NativeOpenCv.load() != null) {
            throw new IllegalStateException("OpenCV did not load");
        }
        int rounds = Integer.parseInt(System.getenv().getOrDefault("ROUNDS", "3"));
        int seconds = Integer.parseInt(System.getenv().getOrDefault("SECONDS_PER_ROUND", "10"));
        System.out.println("| picture | capture thread ms/s (copy for motion) | motion thread ms/s | total % of one core | samples/s | events |");
        System.out.println("|---|---|---|---|---|---|");
        for (int[] size : new int[][] {{640, 480}, {1920, 1080}}) {
            List<Round> all = new ArrayList<>();
            run(size[0], size[1], 3); // warm-up: JIT, OpenCV's buffers
            for (int r = 0; r < rounds; r++) {
                all.add(run(size[0], size[1], seconds));
            }
            double capture = median(all.stream().mapToDouble(Round::captureMsPerSecond).toArray());
            double motion = median(all.stream().mapToDouble(Round::motionMsPerSecond).toArray());
            System.out.printf("| %dx%d | %.2f | %.2f | %.2f | %.1f | %d |%n", size[0], size[1], capture, motion,
                    (capture + motion) / 10, median(all.stream().mapToDouble(Round::samplesPerSecond).toArray()),
                    all.get(all.size() / 2).events());
        }
    }

    private static Round run(int w, int h, int seconds) throws InterruptedException {
        CameraConfig cfg = new CameraConfig("bench", "bench", SourceSpec.parse("test-pattern"), w, h, 30, 80, List.of());
        TestPatternSource source = new TestPatternSource(cfg, null);
        source.open();
        Motion motion = new Motion("bench", new MotionOptions(true, 50, 1, List.of(), 3, null),
                List.of(TestPatternSource.CLOCK_ZONE));
        motion.start();
        Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("camstream-motion-bench")).findFirst().orElseThrow();
        Mat frame = new Mat();
        long period = TimeUnit.SECONDS.toNanos(1) / 30;
        long motionStart = CPU.getThreadCpuTime(thread.getId());
        long captureCpu = 0;
        int samples = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        for (long next = start; next < end; next += period) {
            source.read(frame);
            long t0 = CPU.getCurrentThreadCpuTime();
            if (motion.due()) {
                motion.offer(frame, System.currentTimeMillis() * 1000);
                samples++;
            }
            captureCpu += CPU.getCurrentThreadCpuTime() - t0;
            long wait = next + period - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long motionCpu = CPU.getThreadCpuTime(thread.getId()) - motionStart;
        motion.signalStop();
        motion.join(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        source.close();
        frame.release();
        return new Round(captureCpu / 1e6 / elapsed, motionCpu / 1e6 / elapsed, samples / elapsed, motion.eventCount());
    }

    private static double median(double[] v) {
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }
}
