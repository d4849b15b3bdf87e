package camstream.record;

import camstream.camera.Camera;
import camstream.camera.CameraStatus;
import camstream.config.RecordOptions;
import camstream.config.TimeLapseOptions;
import camstream.encode.JpegSize;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One camera's time-lapse: while it runs, a picture every interval, taken from the camera's main
 * stream as it was encoded for the viewers, goes into an MJPEG AVI that is flushed after each
 * picture, so that the video plays while it grows and a crash loses only the picture in flight.
 *
 * <p>Each picture is asked for as a snapshot is: a waiter for the camera's next frame, which opens the
 * camera if nobody watches; once it has its picture it lets go, and the camera closes after its idle
 * timeout. Everything that touches the file runs on the one time-lapse thread ({@link TimeLapses});
 * start and stop, from a request or the schedule, only change the state and hand work to that thread.
 */
public final class TimeLapse {

    private static final Logger LOG = Logger.getLogger(TimeLapse.class.getName());
    static final String KIND = "timelapse";
    static final String FORMAT = "avi";

    /**
     * What /status and the control answer show. {@code file}: the AVI, relative to the webapp, null before
     * the first picture; {@code mp4}: its H.264 copy, null where there is no H.264 encoder; {@code skipped}:
     * pictures the camera could not give in time (failing, or still opening at the next interval).
     */
    public record State(boolean active, int interval, int pictures, int skipped, String file, String mp4,
                        String schedule, String problem) {
    }

    private final Camera camera;
    private final TimeLapseOptions options;
    private final Library library;
    private final ScheduledExecutorService thread;
    private final Clock clock;

    private final Object lock = new Object();
    /** The run going on now, null when none; guarded by lock. */
    private Run run;
    /** The last run, going on or ended, for the state; guarded by lock. */
    private Run last;
    /** Whether the schedule covered the time it was last looked at; time-lapse thread only. */
    private boolean covered;

    /** One time-lapse from start to stop. Its file fields are the time-lapse thread's. */
    private final class Run {
        final int interval;
        final boolean bySchedule;
        volatile boolean stopped;
        volatile int pictures;
        volatile int skipped;
        /** Pictures in the files before this one (a long time-lapse goes on in a new file at 1 GiB). */
        int before;
        volatile String url;
        volatile String mp4Url;
        volatile String problem;
        ScheduledFuture<?> ticks;
        /** The picture asked for and not yet taken; time-lapse thread only. */
        Take waiting;
        Library.Live live;
        AviWriter avi;
        TimeLapseVideo mp4;
        boolean finished;

        Run(int interval, boolean bySchedule) {
            this.interval = interval;
            this.bySchedule = bySchedule;
        }
    }

    /** Asks the camera for its next picture, once, and hands it to the time-lapse thread. */
    private final class Take implements Consumer<Frame> {
        final Run run;

        Take(Run run) {
            this.run = run;
        }

        /** The next frame, on the broadcaster's executor. */
        @Override
        public void accept(Frame frame) {
            if (run.stopped) {
                return;
            }
            if (frame.placeholder()) {
                if (!camera.status().failing()) {
                    // "Opening...": the picture comes next.
                    camera.broadcaster().awaitNext(this);
                }
                return; // a failing camera's placeholder is no picture of the scene: this one is skipped
            }
            try {
                thread.execute(() -> write(this, frame));
            } catch (RejectedExecutionException e) {
                // Stopping: the run is closed there.
            }
        }
    }

    TimeLapse(Camera camera, Library library, ScheduledExecutorService thread, Clock clock) {
        this.camera = camera;
        this.options = camera.config().timeLapse();
        this.library = library;
        this.thread = thread;
        this.clock = clock;
    }

    public String camera() {
        return camera.id();
    }

    /** The interval in seconds a start without one uses. */
    public int defaultInterval() {
        return options.intervalSeconds();
    }

    public State state() {
        Run r;
        boolean active;
        synchronized (lock) {
            r = last;
            active = run != null;
        }
        String schedule = options.schedule().any() ? options.schedule().toString() : null;
        return r == null ? new State(false, options.intervalSeconds(), 0, 0, null, null, schedule, null)
                : new State(active, r.interval, r.pictures, r.skipped, r.url, r.mp4Url, schedule, r.problem);
    }

    /**
     * Starts a time-lapse of a picture every {@code intervalSeconds}; the first is taken at once.
     * Returns null, or why it did not start: one runs already, or the camera has no recordings directory.
     */
    public String start(int intervalSeconds) {
        return start(intervalSeconds, false);
    }

    private String start(int intervalSeconds, boolean bySchedule) {
        if (camera.status().state() == CameraStatus.State.MISCONFIGURED) {
            return "camera '" + camera.id() + "' has no picture to take: " + camera.status().publicReason();
        }
        if (library.folder(camera.id()) == null) {
            return "camera '" + camera.id() + "' has no recordings directory (set " + RecordOptions.RECORDINGS + " or "
                    + camera.config().key("recordings") + ")";
        }
        synchronized (lock) {
            if (run != null) {
                return "the time-lapse of camera '" + camera.id() + "' is running already; stop it first";
            }
            Run r = new Run(intervalSeconds, bySchedule);
            // Ticks are quick (they only ask for the next picture): no catching up in bursts to fear.
            r.ticks = thread.scheduleAtFixedRate(() -> tick(r), 0, intervalSeconds, TimeUnit.SECONDS);
            run = r;
            last = r;
        }
        LOG.info(() -> "Camera '" + camera.id() + "': time-lapse started, a picture every " + intervalSeconds + " s"
                + (bySchedule ? " (schedule " + options.schedule() + ")" : ""));
        return null;
    }

    /** Stops the time-lapse; its file is closed on the time-lapse thread. Returns false when none ran. */
    public boolean stop() {
        Run r;
        synchronized (lock) {
            r = run;
            if (r == null) {
                return false;
            }
            run = null;
            r.stopped = true;
            r.ticks.cancel(false);
        }
        try {
            thread.execute(() -> finish(r));
        } catch (RejectedExecutionException e) {
            // Shutting down: stopNow() finishes it once the thread has ended.
        }
        return true;
    }

    /** Ends the last run at shutdown: on the time-lapse thread, or once it has ended. */
    void stopNow() {
        Run r;
        synchronized (lock) {
            r = last;
            run = null;
        }
        if (r != null) {
            r.stopped = true;
            r.ticks.cancel(false);
            finish(r);
        }
    }

    // ---- the schedule, on the time-lapse thread ----

    /** Looks at the schedule now and again at each of its starts and ends. */
    void followSchedule() {
        if (!options.schedule().any()) {
            return;
        }
        LocalDateTime now = LocalDateTime.now(clock);
        boolean covers = options.schedule().covers(now.toLocalTime());
        if (covers && !covered) {
            String refused = start(options.intervalSeconds(), true);
            if (refused != null && library.folder(camera.id()) == null) {
                LOG.warning(() -> "Camera '" + camera.id() + "': the time-lapse schedule " + options.schedule()
                        + " starts nothing: " + refused);
            }
        } else if (!covers && covered) {
            stopScheduled();
        }
        covered = covers;
        LocalDateTime next = options.schedule().nextChange(now);
        long delay = Math.max(1, java.time.Duration.between(now, next).toMillis());
        try {
            thread.schedule(this::followSchedule, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down.
        }
    }

    /** At the end of a range, stops a run the schedule started; one started by hand goes on until stopped. */
    private void stopScheduled() {
        boolean scheduled;
        synchronized (lock) {
            scheduled = run != null && run.bySchedule;
        }
        if (scheduled) {
            stop();
        }
    }

    // ---- the pictures, on the time-lapse thread ----

    private void tick(Run r) {
        if (r.stopped) {
            return;
        }
        Broadcaster main = camera.broadcaster();
        if (r.waiting != null) {
            // The last picture never came (a camera that fails or opens slowly): it is skipped.
            main.cancel(r.waiting);
            r.skipped++;
        }
        r.waiting = new Take(r);
        main.awaitNext(r.waiting);
    }

    private void write(Take take, Frame frame) {
        Run r = take.run;
        if (r.stopped || r.waiting != take) {
            return;
        }
        r.waiting = null;
        byte[] jpeg = frame.jpeg();
        try {
            if (r.avi != null && full(r.avi, jpeg.length)) {
                // A plain AVI ends at 1 GiB: the time-lapse goes on in a new file (and a new MP4).
                r.before += r.avi.pictures();
                closeFiles(r);
            }
            if (r.avi == null) {
                open(r, jpeg, Instant.ofEpochSecond(0, frame.timestampMicros() * 1000));
            }
            r.avi.write(jpeg, jpeg.length);
            r.avi.flush();
            r.pictures = r.before + r.avi.pictures();
            r.live.update(seconds(r.avi.pictures()), r.avi.bytes(), r.avi.pictures());
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.log(Level.WARNING, "Camera '" + camera.id() + "': time-lapse stopped, writing "
                    + (r.live == null ? "its file" : r.live.path()) + " failed: " + why);
            LOG.log(Level.FINE, "Time-lapse write", e);
            r.problem = "writing failed: " + why;
            stop();
            return;
        }
        if (r.mp4 != null) {
            try {
                r.mp4.write(jpeg);
            } catch (IOException | RuntimeException | LinkageError e) {
                LOG.warning(() -> "Camera '" + camera.id() + "': the H.264 copy of the time-lapse ends here, the AVI goes on: " + e);
                closeQuietly(r, false);
            }
        }
    }

    /** Creates the file at the first picture, named by its time, with that picture as the thumbnail. */
    private void open(Run r, byte[] jpeg, Instant at) throws IOException {
        Library.Live live = library.begin(camera.id(), KIND, FORMAT, at);
        r.live = live;
        Files.createDirectories(live.path().getParent());
        long size = JpegSize.of(jpeg, jpeg.length);
        int[] camerasSize = camera.pictureSize();
        r.avi = AviWriter.create(live.path(), size == 0 ? camerasSize[0] : (int) (size >>> 32),
                size == 0 ? camerasSize[1] : (int) size, options.fps());
        r.url = "recordings/" + camera.id() + "/" + live.file();
        live.thumbnail(jpeg, jpeg.length);
        if (camera.whyNoVideo() == null) {
            // Under a name of its own (a second later): a recording of its own, with its own thumbnail and sidecar.
            r.mp4 = new TimeLapseVideo(library.begin(camera.id(), KIND, TimeLapseVideo.FORMAT, at), camera.config().video(),
                    options.fps());
            r.mp4Url = "recordings/" + camera.id() + "/" + r.mp4.file();
        }
    }

    private void closeQuietly(Run r, boolean complete) {
        TimeLapseVideo v = r.mp4;
        r.mp4 = null;
        if (v == null) {
            return;
        }
        if (!v.started()) {
            r.mp4Url = null;
        }
        try {
            v.close(complete);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Camera '" + camera.id() + "': closing the H.264 copy of the time-lapse failed: " + e);
        }
    }

    /** Playing time of {@code pictures} at the playback rate. */
    private double seconds(int pictures) {
        return pictures / (double) options.fps();
    }

    /** Whether one more picture of {@code length} bytes and its index entry would take the AVI past its limit. */
    private static boolean full(AviWriter avi, int length) {
        return avi.bytes() + 8 + length + 1 + 16L * (avi.pictures() + 1) > AviWriter.MAX_BYTES;
    }

    /** Closes the run's files; an AVI that did not close whole has its length worked out by the Library. */
    private void closeFiles(Run r) {
        boolean complete = false;
        try {
            if (r.avi != null) {
                r.avi.close();
                r.live.update(seconds(r.avi.pictures()), r.avi.bytes(), r.avi.pictures());
                complete = true;
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Camera '" + camera.id() + "': closing the time-lapse " + r.url + " failed: " + e);
            r.problem = "closing failed: " + e.getMessage();
        } finally {
            r.avi = null;
            if (r.live != null) {
                r.live.close(complete);
                r.live = null;
            }
            closeQuietly(r, complete);
        }
    }

    private void finish(Run r) {
        if (r.finished) {
            return;
        }
        r.finished = true;
        if (r.waiting != null) {
            camera.broadcaster().cancel(r.waiting);
            r.waiting = null;
        }
        closeFiles(r);
        if (r.url == null) {
            LOG.info(() -> "Camera '" + camera.id() + "': time-lapse stopped before its first picture");
        } else {
            LOG.info(() -> "Camera '" + camera.id() + "': time-lapse stopped, " + r.pictures
                    + (r.pictures == 1 ? " picture" : " pictures") + ", the last in " + r.url);
        }
    }
}
