package camstream.record;

import camstream.NativeOpenCv;
import camstream.camera.Camera;
import camstream.camera.CameraServices;
import camstream.camera.EncodePool;
import camstream.config.Settings;
import camstream.encode.OpenCvJpegEncoder;
import camstream.stream.Via;
import camstream.support.TestMedia;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One camera's time-lapse over a camera that is never started: the test publishes its frames, and
 * moves the wall clock the schedule reads. The time-lapse thread is real.
 */
class TimeLapseTest {

    private static final LocalDateTime MONDAY = LocalDateTime.of(2026, 3, 2, 0, 0);

    @TempDir
    Path dir;

    private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1);
    /** The broadcaster's executor: waiters are called there, as in the server. */
    private final ExecutorService writers = Executors.newSingleThreadExecutor();
    private final MovableClock clock = new MovableClock();
    private EncodePool encoders;
    private Camera camera;

    @BeforeAll
    static void loadOpenCv() {
        NativeOpenCv.load();
    }

    @AfterEach
    void stop() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(10, TimeUnit.SECONDS);
        writers.shutdownNow();
        writers.awaitTermination(10, TimeUnit.SECONDS);
        if (encoders != null) {
            encoders.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
    }

    private TimeLapse timeLapse(String... settings) {
        Map<String, String> params = new HashMap<>(Map.of("camstream.cameras", "cam", "camstream.width", "320",
                "camstream.height", "240"));
        for (int i = 0; i < settings.length; i += 2) {
            params.put(settings[i], settings[i + 1]);
        }
        Settings s = Settings.read(Settings.lookup(params::get));
        encoders = EncodePool.start(1, OpenCvJpegEncoder::new);
        camera = new Camera(s.cameras().get(0), CameraServices.of(s, writers, encoders, null,
                Via.Server.start("test"), "no H.264 in this test"));
        return new TimeLapse(camera, new Library(Map.of("cam", dir.resolve("cam"))), thread, clock);
    }

    private void followSchedule(TimeLapse t, LocalDateTime at) throws Exception {
        clock.set(at);
        thread.submit(t::followSchedule).get();
    }

    @Test
    void thePictureAfterEachAskGoesIntoTheVideoAndAnOpeningPlaceholderDoesNot() throws Exception {
        TimeLapse t = timeLapse();
        assertNull(t.start(3600));
        await("the first picture asked for", () -> camera.broadcaster().hasDemand());
        byte[] placeholder = TestMedia.encoded(1, CvType.CV_8UC3, ".jpg");
        byte[] picture = TestMedia.encoded(2, CvType.CV_8UC3, ".jpg");
        camera.broadcaster().publish(placeholder, placeholder.length, System.currentTimeMillis() * 1000, true);
        // Served and gone, then asked for again: the camera is still opening.
        await("the picture asked for again", () -> camera.broadcaster().hasDemand());
        camera.broadcaster().publish(picture, picture.length, System.currentTimeMillis() * 1000, false);
        await("one picture written", () -> t.state().pictures() == 1);
        assertFalse(camera.broadcaster().hasDemand(), "nothing asked until the next interval: the camera may close");
        String file = t.state().file();
        assertTrue(file.matches("recordings/cam/[0-9]{8}-[0-9]{6}-timelapse\\.avi"), file);

        assertTrue(t.stop());
        Path avi = dir.resolve(file.substring("recordings/".length()));
        Path sidecar = avi.resolveSibling(avi.getFileName().toString().replace(".avi", ".json"));
        await("the sidecar", () -> Files.exists(sidecar));
        JsonObject side = JsonParser.parseString(Files.readString(sidecar)).getAsJsonObject();
        assertEquals(1, side.get("pictures").getAsInt());
        assertEquals("timelapse", side.get("kind").getAsString());
        assertArrayEquals(picture, Files.readAllBytes(avi.resolveSibling(avi.getFileName().toString().replace(".avi", ".jpg"))));
        assertFalse(t.state().active());
        assertEquals(1, t.state().pictures());
    }

    @Test
    void aPictureTheCameraDoesNotGiveBeforeTheNextIntervalIsCountedAsSkipped() throws Exception {
        TimeLapse t = timeLapse();
        assertNull(t.start(1));
        await("a skipped picture", () -> t.state().skipped() >= 1);
        assertEquals(0, t.state().pictures());
        assertNull(t.state().file(), "no file without a picture");
    }

    @Test
    void aMisconfiguredCameraStartsNoTimeLapseAndSaysWhy() throws Exception {
        TimeLapse t = timeLapse("camstream.camera.cam.width", "5");
        String refused = t.start(10);
        assertTrue(refused.startsWith("camera 'cam' has no picture to take: ") && refused.contains("width"), refused);
        assertFalse(t.state().active());
    }

    @Test
    void aStartWithoutARecordingsDirectoryIsRefusedWithTheSettingToSet() throws Exception {
        Settings s = Settings.read(Settings.lookup(Map.of("camstream.cameras", "cam")::get));
        encoders = EncodePool.start(1, OpenCvJpegEncoder::new);
        camera = new Camera(s.cameras().get(0), CameraServices.of(s, writers, encoders, null,
                Via.Server.start("test"), "no H.264 in this test"));
        TimeLapse t = new TimeLapse(camera, new Library(Map.of()), thread, clock);
        assertEquals("camera 'cam' has no recordings directory (set camstream.recordings or camstream.camera.cam.recordings)", t.start(10));
        assertFalse(t.state().active());
    }

    @Test
    void theScheduleStartsItWhenARangeBeginsAndStopsItWhenTheRangeEnds() throws Exception {
        TimeLapse t = timeLapse("camstream.camera.cam.timelapse.schedule", "22:00-06:00");
        followSchedule(t, MONDAY.withHour(21));
        assertFalse(t.state().active());
        followSchedule(t, MONDAY.withHour(22));
        assertTrue(t.state().active());
        followSchedule(t, MONDAY.plusDays(1).withHour(5).withMinute(59));
        assertTrue(t.state().active(), "still inside the range after midnight");
        followSchedule(t, MONDAY.plusDays(1).withHour(6));
        assertFalse(t.state().active());
    }

    @Test
    void aServerThatStartsInsideARangeStartsTheTimeLapseAtOnce() throws Exception {
        TimeLapse t = timeLapse("camstream.camera.cam.timelapse.schedule", "08:00-18:00");
        followSchedule(t, MONDAY.withHour(12));
        assertTrue(t.state().active());
        assertEquals("08:00-18:00", t.state().schedule());
    }

    @Test
    void aTimeLapseStartedByHandIsNotStoppedWhereTheScheduleEnds() throws Exception {
        TimeLapse t = timeLapse("camstream.camera.cam.timelapse.schedule", "08:00-18:00");
        followSchedule(t, MONDAY.withHour(7));
        assertNull(t.start(5));
        followSchedule(t, MONDAY.withHour(8));
        followSchedule(t, MONDAY.withHour(18));
        assertTrue(t.state().active());
        assertEquals(5, t.state().interval());
    }

    @Test
    void aScheduledTimeLapseStoppedByHandWaitsForTheNextRange() throws Exception {
        TimeLapse t = timeLapse("camstream.camera.cam.timelapse.schedule", "08:00-09:00,10:00-11:00");
        followSchedule(t, MONDAY.withHour(8));
        assertTrue(t.stop());
        followSchedule(t, MONDAY.withHour(8).withMinute(30));
        assertFalse(t.state().active());
        followSchedule(t, MONDAY.withHour(9));
        followSchedule(t, MONDAY.withHour(10));
        assertTrue(t.state().active());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** The wall clock the schedule reads, where the test puts it. */
    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.EPOCH;

        void set(LocalDateTime at) {
            now = at.atZone(getZone()).toInstant();
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.systemDefault();
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
