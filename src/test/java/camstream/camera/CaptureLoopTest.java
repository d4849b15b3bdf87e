package camstream.camera;

import camstream.NativeOpenCv;
import camstream.camera.CameraStatus.State;
import camstream.config.CameraConfig;
import camstream.config.Settings;
import camstream.encode.JpegEncoder;
import camstream.encode.OpenCvJpegEncoder;
import camstream.source.RelayLoop;
import camstream.source.SourceException;
import camstream.stream.Via;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The capture loop and the watch of one camera, on a clock that moves only when the camera waits or
 * the test moves it, with a source that does what each test says: backoff, idle release, stuck calls
 * and failures of every step are checked in milliseconds, to the nanosecond.
 */
class CaptureLoopTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final FakeClock clock = new FakeClock();
    private final ScriptedSource source = new ScriptedSource(clock);
    private final RecordingViewer viewer = new RecordingViewer();
    private final JpegEncoder encoder = new OpenCvJpegEncoder();
    private Camera camera;

    @BeforeAll
    static void loadOpenCv() {
        NativeOpenCv.load();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (camera != null) {
            camera.signalStop();
            assertTrue(camera.join(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)), "the capture thread ended");
        }
    }

    /**
     * A camera on the scripted source, configured as {@code kind} ("test-pattern", "http://..."), idle
     * timeout 10 s, source timeout 5 s, encoding on the capture thread; {@code noOpenCv} as if OpenCV had
     * not loaded for that reason.
     */
    private Camera start(String kind, JpegEncoder encodes, String noOpenCv) {
        return start(kind, EncodePool.on(Runnable::run, encodes), noOpenCv);
    }

    private Camera start(String kind, EncodePool pool, String noOpenCv) {
        Map<String, String> params = new HashMap<>();
        params.put("camstream.cameras", "cam");
        params.put("camstream.camera.cam.source", kind);
        CameraConfig cfg = Settings.read(Settings.lookup(params::get)).cameras().get(0);
        CameraServices services = new CameraServices(clock, 10 * SECOND, 5 * SECOND, 0, Runnable::run,
                pool, c -> source, noOpenCv, Via.Server.start("test"), null);
        camera = new Camera(cfg, services);
        camera.start();
        return camera;
    }

    private Camera start(JpegEncoder encodes) {
        return start("test-pattern", encodes, null);
    }

    private Camera start() {
        return start(encoder);
    }

    private void watch() {
        camera.watch(clock.nanoTime(), encoder);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    private static List<Double> gapsInSeconds(List<Long> times, int count) {
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            gaps.add((times.get(i) - times.get(i - 1)) / 1e9);
        }
        return gaps;
    }

    @Test
    void aSourceThatNeverOpensIsTriedAgainAfter1Then2Then4UpTo30Seconds() {
        source.onOpen(ScriptedSource.fail("no camera at /dev/video9"));
        List<CameraStatus> whileWaiting = new java.util.concurrent.CopyOnWriteArrayList<>();
        clock.onAwait(() -> whileWaiting.add(camera.status()));
        start().broadcaster().add(viewer);
        await("9 opens", () -> source.opened.size() >= 9);

        assertEquals(List.of(1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0), gapsInSeconds(source.opened, 9));
        CameraStatus s = whileWaiting.get(0);
        assertEquals(State.NO_SIGNAL, s.state());
        assertEquals("no camera at /dev/video9", s.reason());
        for (int i = 0; i < 8; i++) {
            assertEquals(FakeClock.EPOCH.plusNanos(source.opened.get(i + 1)), whileWaiting.get(i).nextRetry(),
                    "while waiting, viewers are told when the next try is");
        }
        assertTrue(source.closed.size() >= 8, "every failed open was closed: " + source.closed.size());
    }

    @Test
    void theBackoffStartsAgainAt1SecondOncePicturesFlowed() {
        CountDownLatch fifthOpen = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedSource.Step hang = ScriptedSource.hang(fifthOpen, release);
        source.onOpen(n -> {
            if (n <= 3) {
                throw new SourceException("not yet");
            }
            if (n == 5) {
                hang.run(n);
            }
        });
        source.onRead(n -> {
            if (n == 5) {
                throw new SourceException("unplugged");
            }
        });
        start().broadcaster().add(viewer);
        await("the open after the unplug", () -> fifthOpen.getCount() == 0);

        assertEquals(List.of(1.0, 2.0, 4.0), gapsInSeconds(source.opened, 4));
        assertEquals(1.0, (source.opened.get(4) - source.reads.get(4)) / 1e9, "1 s after the failed read, not 8");
        assertEquals(4, viewer.pictures(), "the four pictures read before the unplug were sent");
        assertEquals(4, camera.counters().failures());
        assertEquals(1, camera.counters().reopens(), "opened again after failures: once, the fourth open");
        release.countDown();
    }

    @Test
    void withoutViewersTheSourceIsReleasedAfterTheIdleTimeoutAndOpenedAgainForTheNext() {
        start().broadcaster().add(viewer);
        await("pictures", () -> viewer.pictures() >= 5);
        assertEquals(State.LIVE, camera.status().state());
        camera.broadcaster().remove(viewer);
        await("the release", () -> !source.closed.isEmpty());

        long lastRead = source.reads.get(source.reads.size() - 1);
        double idle = (source.closed.get(0) - lastRead) / 1e9;
        assertTrue(idle >= 10 - 1 / 30.0 && idle <= 10 + 1 / 30.0, "released " + idle + " s after the last read");
        await("idle", () -> camera.status().state() == State.IDLE);
        assertEquals("nobody is watching", camera.status().reason());
        int reads = source.reads.size();

        camera.broadcaster().add(viewer);
        await("opened again", () -> source.opened.size() == 2 && camera.status().state() == State.LIVE);
        assertTrue(source.reads.size() > reads);
    }

    @Test
    void anOpenThatHangsIsNoSignalAtTheSourceTimeoutAndLiveWhenItReturns() {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        source.onOpen(ScriptedSource.on(1, ScriptedSource.hang(entered, release)));
        start().broadcaster().add(viewer);
        await("the open", () -> entered.getCount() == 0);

        clock.advance(5 * SECOND - 1);
        watch();
        assertEquals(State.OPENING, camera.status().state(), "not yet at the source timeout");
        clock.advance(2);
        watch();
        assertEquals(State.NO_SIGNAL, camera.status().state());
        assertEquals("no answer from scripted source for over 5 s (open)", camera.status().reason());
        assertTrue(viewer.last().placeholder(), "viewers see the placeholder while the open hangs");

        release.countDown();
        await("live", () -> camera.status().state() == State.LIVE && viewer.pictures() > 0);
    }

    @Test
    void aReadThatHangsIsNoSignalAtTheSourceTimeoutAndLiveWhenItReturns() {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        source.onRead(ScriptedSource.on(3, ScriptedSource.hang(entered, release)));
        start().broadcaster().add(viewer);
        await("the third read", () -> entered.getCount() == 0);
        long pictures = viewer.pictures();

        clock.advance(5 * SECOND + 1);
        watch();
        assertEquals(State.NO_SIGNAL, camera.status().state());
        assertEquals("no answer from scripted source for over 5 s (read)", camera.status().reason());
        assertTrue(viewer.last().placeholder());
        assertEquals(2, pictures, "the two pictures before the hang");

        release.countDown();
        await("live again", () -> camera.status().state() == State.LIVE && viewer.pictures() > pictures);
        assertEquals(1, source.opened.size(), "a read that returns late is not a failure");
    }

    /** Runs the camera until the session that {@code failure} ends, and returns the reason it showed. */
    private String reasonAfter(ScriptedSource.Step onOpen, ScriptedSource.Step onRead) {
        CountDownLatch secondOpen = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedSource.Step hang = ScriptedSource.hang(secondOpen, release);
        source.onOpen(n -> {
            if (n == 2) {
                hang.run(n); // hold the retry, so the test sees what the failure showed
            } else {
                onOpen.run(n);
            }
        });
        source.onRead(onRead);
        start().broadcaster().add(viewer);
        await("the retry", () -> secondOpen.getCount() == 0);
        CameraStatus failed = camera.status();
        assertEquals(State.NO_SIGNAL, failed.state());
        release.countDown();
        await("live after the retry", () -> camera.status().state() == State.LIVE && viewer.pictures() > 0);
        assertEquals(1, camera.counters().failures());
        return failed.reason();
    }

    @Test
    void aThrowFromTheOpenEndsOnlyThatSession() {
        assertEquals("scripted source: unexpected error: boom (during open)",
                reasonAfter(n -> {
                    throw new IllegalStateException("boom");
                }, ScriptedSource.Step.OK));
    }

    @Test
    void aThrowFromAReadEndsOnlyThatSession() {
        assertEquals("scripted source: unexpected error: bad buffer (during read)",
                reasonAfter(ScriptedSource.Step.OK, n -> {
                    if (n == 2) {
                        throw new IllegalStateException("bad buffer");
                    }
                }));
        assertEquals(2, source.opened.size());
    }

    @Test
    void aPictureThatCannotBeShownEndsOnlyThatSession() {
        source.channels(2);
        String reason = reasonAfter(ScriptedSource.Step.OK, n -> {
            if (n >= 2) {
                source.channels(3);
            }
        });
        assertEquals("scripted source: cannot show an image of type CV_8UC2 (during process)", reason);
    }

    @Test
    void aFailedEncodeCostsOnePictureAndTheCameraStaysLive() throws InterruptedException {
        AtomicInteger encodes = new AtomicInteger();
        JpegEncoder failsOnce = new JpegEncoder() {
            @Override
            public byte[] encode(Mat bgr, int quality) {
                if (encodes.incrementAndGet() == 3) {
                    throw new IllegalStateException("encoder out of memory");
                }
                return encoder.encode(bgr, quality);
            }

            @Override
            public String name() {
                return "fails once";
            }
        };
        start(failsOnce).broadcaster().add(viewer);
        await("ten pictures", () -> viewer.pictures() >= 10);
        assertEquals(State.LIVE, camera.status().state());
        camera.signalStop();
        assertTrue(camera.join(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)));
        assertEquals(0, camera.counters().failures());
        long captured = camera.counters().captured();
        assertEquals(captured, encodes.get(), "every captured picture was encoded once");
        assertEquals(captured - 1, viewer.pictures(), "all but the one whose encode failed were sent");
    }

    @Test
    void aRelayWhoseUpstreamSendsAsFastAsItCanPublishesAtTheCamerasFpsOnAGrid() {
        source.deliverJpeg(encoder.encode(new Mat(48, 64, org.opencv.core.CvType.CV_8UC3, org.opencv.core.Scalar.all(7)), 80));
        source.pacesItself(true);
        start("http://127.0.0.1:9/stream", encoder, null).broadcaster().add(viewer);
        await("61 pictures", () -> viewer.pictures() >= 61);

        long period = (long) (1e9 / camera.config().fps());
        List<Long> reads = List.copyOf(source.reads).subList(0, 61);
        for (int i = 1; i < reads.size(); i++) {
            assertEquals(period, reads.get(i) - reads.get(i - 1), "read " + i + " is one period after the one before");
        }
        assertEquals(30, camera.config().fps());
    }

    @Test
    void aDeviceThatPacesItselfIsReadAsItDelivers() {
        source.pacesItself(false);
        start().broadcaster().add(viewer);
        await("ten pictures", () -> viewer.pictures() >= 10);
        assertEquals(source.reads.get(0), source.reads.get(9), "read back to back: its driver keeps the time");
    }

    @Test
    void aRelayLoopIsNoSignalAndItsPlaceholderCarriesTheLoopSoThatTheNextCameraFindsItToo() {
        Via.Server here = Via.Server.start("here:8080/camstream");
        Via loop = Via.of(here.hop("y")).then(Via.of(here.hop("cam")));
        String reason = "relay loop: camera 'cam' → camera 'y' → camera 'cam'";
        source.deliverJpeg(encoder.encode(new Mat(48, 64, org.opencv.core.CvType.CV_8UC3, org.opencv.core.Scalar.all(7)), 80));
        source.pacesItself(true);
        CountDownLatch retry = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        source.onOpen(ScriptedSource.on(2, ScriptedSource.hang(retry, release))); // holds the retry
        source.onRead(n -> {
            throw new RelayLoop(reason, loop);
        });
        start("http://127.0.0.1:9/stream", encoder, null).broadcaster().add(viewer);
        await("the retry", () -> retry.getCount() == 0);

        assertEquals(State.NO_SIGNAL, camera.status().state());
        assertEquals(reason, camera.status().reason());
        watch();
        assertTrue(viewer.last().placeholder());
        assertEquals(loop.hops(), viewer.last().via().hops(), "the placeholder names the loop");

        clock.advance(6 * SECOND);
        watch();
        assertEquals("no answer from scripted source for over 5 s (open)", camera.status().reason());
        clock.advance(SECOND);
        watch();
        assertEquals(List.of(camera.hop()), viewer.last().via().hops(), "another reason: the camera's own hop again");
        release.countDown();
    }

    @Test
    void withoutOpenCvACameraThatNeedsPixelsIsOffAndSaysWhy() {
        start("test-pattern", encoder, "missing from the WAR").broadcaster().add(viewer);
        CameraStatus s = camera.status();
        assertEquals(State.MISCONFIGURED, s.state());
        assertEquals("this camera's source (test-pattern) needs OpenCV, which did not load: missing from the WAR",
                s.reason());
        assertTrue(source.opened.isEmpty());
        watch();
        assertTrue(viewer.last().placeholder(), "its viewers get a placeholder");
        assertEquals(0, camera.counters().encoded(), "made without OpenCV");
        assertEquals(0, camera.maxVariants());
    }

    @Test
    void withoutOpenCvARelaysPicturesPassThroughAndItsPlaceholderIsPlain() {
        byte[] jpeg = encoder.encode(new Mat(48, 64, org.opencv.core.CvType.CV_8UC3, org.opencv.core.Scalar.all(99)), 80);
        source.deliverJpeg(jpeg);
        source.onRead(n -> {
            if (n >= 5) {
                throw new SourceException("upstream gone");
            }
        });
        start("http://127.0.0.1:9/stream", encoder, "missing from the WAR").broadcaster().add(viewer);
        await("no signal after four pictures", () -> camera.status().state() == State.NO_SIGNAL);
        assertEquals(4, viewer.pictures());
        assertTrue(java.util.Arrays.equals(jpeg, viewer.frames.get(0).jpeg()), "passed through as it came");
        watch();
        assertTrue(viewer.last().placeholder());
        assertEquals(0, camera.counters().encoded(), "nothing decoded or encoded");
        assertTrue(camera.whyNoVariants().startsWith("OpenCV did not load"));
    }

    /** Encodes that run only when the test says, one at a time. */
    private static final class Encodes implements java.util.concurrent.Executor {
        final java.util.concurrent.BlockingQueue<Runnable> tasks = new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public void execute(Runnable r) {
            tasks.add(r);
        }

        void runOne() throws InterruptedException {
            Runnable r = tasks.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no encode was handed over within 10 s");
            }
            r.run();
        }
    }

    @Test
    void aSourcePacedHereWaitsForTheEncoderInsteadOfMakingPicturesForNothing() throws InterruptedException {
        Encodes encodes = new Encodes();
        start("test-pattern", EncodePool.on(encodes, encoder), null).broadcaster().add(viewer);
        for (int i = 1; i <= 20; i++) {
            encodes.runOne(); // encodes what waits, and what came meanwhile
            int encoded = i;
            await("picture " + encoded, () -> viewer.pictures() >= encoded);
        }
        await("the next picture waiting", () -> encodes.tasks.size() == 1);
        long pictures = viewer.pictures();
        assertTrue(source.reads.size() <= pictures + 2,
                source.reads.size() + " reads for " + pictures + " encodes: the capture waits for the encoder");
        assertEquals(0, camera.counters().droppedEncodes(), "no picture made for nothing");
    }

    @Test
    void aSourceWithItsOwnClockIsReadOnButOnlyWhatTheEncoderCanTakeIsProcessed() throws InterruptedException {
        source.pacesItself(false);
        Encodes encodes = new Encodes();
        start("test-pattern", EncodePool.on(encodes, encoder), null).broadcaster().add(viewer);
        await("reads while the encoder is busy", () -> source.reads.size() >= 50);
        encodes.runOne();
        await("the picture that waited", () -> viewer.pictures() == 1);
        long dropped = camera.counters().droppedEncodes();
        assertTrue(dropped >= 45, dropped + " of " + source.reads.size() + " pictures not processed");
        assertTrue(camera.counters().captured() >= source.reads.size() - 2);
    }
}
