package camstream.camera;

import camstream.NativeOpenCv;
import camstream.config.CameraConfig;
import camstream.config.Settings;
import camstream.encode.JpegEncoder;
import camstream.encode.OpenCvJpegEncoder;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pictures leave the capture thread for the encoder pool: newest first per stream, streams in parallel, nothing copied. */
class FramePipelineTest {

    private final CameraCounters counters = new CameraCounters();
    private final JpegEncoder encoder = new OpenCvJpegEncoder();
    private final Broadcaster main = new Broadcaster(Runnable::run, () -> { });
    private final RecordingViewer viewer = new RecordingViewer();
    private final CameraConfig cfg = Settings.read(Settings.lookup(Map.of("camstream.cameras", "cam",
            "camstream.camera.cam.source", "test-pattern")::get)).cameras().get(0);
    private final Variants variants = new Variants("cam", main, cfg.quality(), 4);

    /** Tasks the test runs when it says. */
    private static final class Queued implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable r) {
            tasks.add(r);
        }

        void runAll() {
            for (Runnable r; (r = tasks.poll()) != null; ) {
                r.run();
            }
        }
    }

    @BeforeAll
    static void loadOpenCv() {
        NativeOpenCv.load();
    }

    /** Reads a 64x48 picture of one grey level into the next picture of {@code pipeline}. */
    private static Picture picture(FramePipeline pipeline, int grey) {
        Picture p = pipeline.nextPicture();
        p.image().create(48, 64, CvType.CV_8UC3);
        p.image().setTo(Scalar.all(grey));
        return p;
    }

    private static double greyOf(Frame f) {
        Mat m = Imgcodecs.imdecode(new org.opencv.core.MatOfByte(f.jpeg()), Imgcodecs.IMREAD_GRAYSCALE);
        return org.opencv.core.Core.mean(m).val[0];
    }

    @Test
    void aStreamWhoseEncoderIsBusyGetsTheNewestPictureNotEveryOne() {
        Queued pool = new Queued();
        main.add(viewer);
        try (FramePipeline pipeline = new FramePipeline(cfg, main, variants, counters, EncodePool.on(pool, encoder), () -> { }, Clock.SYSTEM)) {
            pipeline.process(picture(pipeline, 50), 1, false);
            pipeline.process(picture(pipeline, 150), 2, false);
            pipeline.process(picture(pipeline, 250), 3, false);
            assertEquals(1, pool.tasks.size(), "one encode per stream at a time");
            pool.runAll();
        }
        assertEquals(1, viewer.pictures());
        assertEquals(250, greyOf(viewer.last()), 2, "the newest picture");
        assertEquals(2, counters.droppedEncodes());
        assertEquals(1, counters.encoded());
    }

    @Test
    void theMainStreamAndItsVariantsAreEncodedAtTheSameTime() throws InterruptedException {
        // Each encode waits at the barrier until the other is inside an encode too: serial encodes would break it.
        CyclicBarrier both = new CyclicBarrier(2);
        AtomicInteger timeouts = new AtomicInteger();
        // One encoder per thread, as the pool makes them: an encoder reuses its buffers and is not shared.
        EncodePool pool = EncodePool.start(2, () -> new JpegEncoder() {
            private final JpegEncoder own = new OpenCvJpegEncoder();

            @Override
            public byte[] encode(Mat bgr, int quality) {
                try {
                    both.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    timeouts.incrementAndGet();
                }
                return own.encode(bgr, quality);
            }

            @Override
            public String name() {
                return "meets the other encode";
            }
        });
        main.add(viewer);
        Lease small = variants.lease(new VariantRequest(32, 0, 0), 0);
        RecordingViewer smallViewer = new RecordingViewer();
        small.broadcaster().add(smallViewer);
        try (FramePipeline pipeline = new FramePipeline(cfg, main, variants, counters, pool, () -> { }, Clock.SYSTEM)) {
            pipeline.process(picture(pipeline, 100), 1, false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((viewer.pictures() == 0 || smallViewer.pictures() == 0) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        } finally {
            assertTrue(pool.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)));
        }
        assertEquals(0, timeouts.get(), "both encodes were under way at once");
        assertEquals(1, viewer.pictures());
        assertEquals(1, smallViewer.pictures());
        assertNotNull(smallViewer.last());
        Mat small32 = Imgcodecs.imdecode(new org.opencv.core.MatOfByte(smallViewer.last().jpeg()), Imgcodecs.IMREAD_COLOR);
        assertEquals(32, small32.cols());
        assertEquals(24, small32.rows());
    }

    @Test
    void picturesAreReadIntoAFewReusedBuffersNotCopied() {
        Queued pool = new Queued();
        main.add(viewer);
        try (FramePipeline pipeline = new FramePipeline(cfg, main, variants, counters, EncodePool.on(pool, encoder), () -> { }, Clock.SYSTEM)) {
            for (int i = 0; i < 100; i++) {
                Picture p = picture(pipeline, i);
                pipeline.process(p, i + 1, false);
                if (i % 3 == 0) {
                    pool.runAll(); // encodes finish now and then, as on a busy machine
                }
            }
            pool.runAll();
            assertTrue(pipeline.picturesMade() <= 3, pipeline.picturesMade() + " pictures for 100 frames");
        }
        assertEquals(34, viewer.pictures());
    }

    @Test
    void outputsTakeTurnsSoASlowCameraShortchangesNone() {
        Queued pool = new Queued();
        RecordingViewer[] viewers = new RecordingViewer[5];
        viewers[0] = viewer;
        main.add(viewer);
        for (int i = 1; i < viewers.length; i++) {
            viewers[i] = new RecordingViewer();
            variants.lease(new VariantRequest(48 - 8 * i, 0, 0), 0).broadcaster().add(viewers[i]);
        }
        int[] captured = {0};
        FramePipeline[] pipeline = new FramePipeline[1];
        // Every encode takes longer than the time between two pictures: one arrives during each.
        JpegEncoder slow = new JpegEncoder() {
            @Override
            public byte[] encode(Mat bgr, int quality) {
                if (captured[0] < 100) {
                    captured[0]++;
                    pipeline[0].process(picture(pipeline[0], captured[0]), captured[0], false);
                }
                return encoder.encode(bgr, quality);
            }

            @Override
            public String name() {
                return "slower than the camera";
            }
        };
        try (FramePipeline p = new FramePipeline(cfg, main, variants, counters, EncodePool.on(pool, slow), () -> { },
                Clock.SYSTEM)) {
            pipeline[0] = p;
            p.process(picture(p, 0), 0, false);
            pool.runAll();
        }
        long[] got = java.util.Arrays.stream(viewers).mapToLong(RecordingViewer::pictures).toArray();
        long least = java.util.Arrays.stream(got).min().orElseThrow();
        long most = java.util.Arrays.stream(got).max().orElseThrow();
        assertTrue(least >= 15 && most - least <= 2, "pictures per output: " + java.util.Arrays.toString(got));
    }
}
