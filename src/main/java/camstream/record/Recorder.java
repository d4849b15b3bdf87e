package camstream.record;

import camstream.camera.Camera;
import camstream.config.RecordOptions;
import camstream.motion.MotionEvent;
import camstream.motion.MotionListener;
import camstream.stream.Frame;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records one camera, on its own thread ({@code camstream-record-{camera}}): the camera's H.264 stream
 * (fMP4 files) or its JPEG pictures as encoded for viewers (AVI files), so nothing is encoded twice.
 * Frames come through its {@link Feed}, which drops, and counts, when the disk is slow: the camera
 * never waits for the disk.
 *
 * <p>What to record: always ({@code continuous}), from {@code preRoll} before motion starts until
 * {@code postRoll} after it ends ({@code motion}), or on request ({@link #startManual}). A file is cut
 * every {@code fileSeconds} (an H.264 one at a keyframe, asked for). A write that fails (disk full,
 * read-only, directory gone) ends the file and sets the camera's recording problem; the folder is
 * checked again every few seconds and recording resumes by itself.
 */
public final class Recorder implements MotionListener {

    private static final Logger LOG = Logger.getLogger(Recorder.class.getName());
    private static final long FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RETENTION_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Kept beyond the pre-roll: motion is known a few samples, and on a busy machine seconds, after it began. */
    private static final long DETECTION_MICROS = TimeUnit.SECONDS.toMicros(3);

    private final Camera camera;
    private final String id;
    private final RecordOptions options;
    private final Library library;
    private final FolderWatch folder;
    private final Feed feed;
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicReference<Frame> thumbnail = new AtomicReference<>();
    private final Consumer<Frame> thumbnailWaiter = thumbnail::set;
    private final Thread thread;
    private final Triggers triggers;
    private volatile boolean stopping;
    private volatile boolean active;
    private final boolean video;

    // The recorder thread's own.
    private final long preRollMicros;
    private final PreRoll preRoll;
    private Clip clip;
    private long counted;
    private boolean keyframeAsked;
    private boolean needKeyframe;
    private long nextFlush;
    private long nextRetention;

    Recorder(Camera camera, Library library, Path webapp) {
        this.camera = camera;
        this.id = camera.id();
        this.options = camera.config().record();
        this.library = library;
        this.folder = new FolderWatch(id, library, webapp, options);
        this.video = switch (options.format()) {
            case "avi" -> false;
            case "mp4" -> {
                if (camera.whyNoVideo() != null) {
                    LOG.warning(() -> "Camera '" + id + "': setting " + camera.config().key("record.format")
                            + "='mp4' but H.264 is off (" + camera.whyNoVideo() + "); recording MJPEG in AVI");
                }
                yield camera.whyNoVideo() == null;
            }
            default -> camera.whyNoVideo() == null;
        };
        this.feed = new Feed(camera, video);
        this.preRollMicros = TimeUnit.SECONDS.toMicros(options.preRollSeconds());
        this.preRoll = new PreRoll(preRollMicros + DETECTION_MICROS);
        this.triggers = new Triggers("continuous".equals(options.mode()), options.postRollSeconds());
        this.thread = new Thread(this::run, "camstream-record-" + id);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks the thread to finish its file and end; {@link #join} waits for it. */
    void signalStop() {
        stopping = true;
        feed.stop();
    }

    boolean join(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        return !thread.isAlive();
    }

    public String camera() {
        return id;
    }

    /** off, motion or continuous, as set. */
    public String mode() {
        return options.mode();
    }

    /** mp4 or avi: what this camera's recordings are. */
    public String format() {
        return video ? "mp4" : "avi";
    }

    /** Whether a file is being written now. */
    public boolean active() {
        return active;
    }

    /** Why this camera does not record now, or null. */
    public String problem() {
        return folder.problem();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    public long errors() {
        return folder.errors();
    }

    /** Frames not recorded because the disk did not keep up. */
    public long dropped() {
        return feed.dropped();
    }

    // --- control: any thread ---

    /**
     * Records now, for {@code seconds} (0: until {@link #stopManual}).
     *
     * @throws IllegalStateException when this camera cannot, with the reason
     */
    public void startManual(int seconds) {
        if (folder.disabled() != null) {
            throw new IllegalStateException(folder.disabled());
        }
        if ("continuous".equals(options.mode())) {
            throw new IllegalStateException("camera " + id + " records continuously already");
        }
        triggers.startManual(seconds);
    }

    /** Ends a recording {@link #startManual} began; false when none was going. */
    public boolean stopManual() {
        return triggers.stopManual();
    }

    /** Motion began: recording starts (with the pre-roll) or, within the post-roll, goes on. Never blocks. */
    @Override
    public void motionStarted(MotionEvent event) {
        triggers.motionStarted(ChronoUnit.MICROS.between(Instant.EPOCH, event.start()));
    }

    /** Motion ended: recording goes on for the post-roll. Never blocks. */
    @Override
    public void motionEnded(MotionEvent event) {
        triggers.motionEnded();
    }

    // --- the recorder thread ---

    private void run() {
        if (!folder.start(System.nanoTime())) {
            return;
        }
        try {
            while (!stopping) {
                Frame f = feed.poll(200);
                long now = System.nanoTime();
                try {
                    subscribe();
                    if (f != null) {
                        take(f, now);
                    }
                    housekeeping(now);
                } catch (RuntimeException e) {
                    // A bug, not the disk: this file ends, the next one begins as usual.
                    LOG.log(Level.SEVERE, "Camera '" + id + "': the recorder failed", e);
                    fail(new IOException(e.toString()), now);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            endClip(System.nanoTime());
            unsubscribe();
        }
    }

    /** Joins the camera's stream while there is anything to record or keep in the pre-roll, leaves it otherwise. */
    private void subscribe() {
        boolean need = !stopping && (options.automatic() || triggers.manual() || clip != null);
        if ((feed.endedByStream() || !need) && feed.leave()) {
            forget();
        }
        if (need && feed.join()) {
            needKeyframe = video;
        }
    }

    private void unsubscribe() {
        feed.leave();
        forget();
    }

    /** Out of the stream: what was kept from it is of no use any more. */
    private void forget() {
        preRoll.clear();
        camera.broadcaster().cancel(thumbnailWaiter);
    }

    private void take(Frame f, long now) {
        if (f.placeholder() || f.repeat() || (f.track() != null) != video) {
            return;
        }
        if (feed.gap() && video) {
            needKeyframe = true;
        }
        if (needKeyframe) {
            if (!f.keyframe()) {
                feed.requestKeyframe();
                return;
            }
            needKeyframe = false;
            preRoll.clear();
        }
        boolean want = triggers.wanted(now);
        if (clip != null) {
            if (!want) {
                endClip(now);
            } else if (!cut(f)) {
                write(f, now);
                return;
            } else {
                endClip(now);
            }
        }
        preRoll.add(f);
        if (want && folder.ok()) {
            begin(now, f.timestampMicros());
        }
    }

    /** Whether {@code f} begins the next file: the length is reached (at a keyframe for H.264), or the track changed. */
    private boolean cut(Frame f) {
        boolean due = clip.age(f.timestampMicros()) >= TimeUnit.SECONDS.toMicros(options.fileSeconds());
        if (!clip.video()) {
            return due || clip.full(f);
        }
        if (due && !keyframeAsked) {
            feed.requestKeyframe();
            keyframeAsked = true;
        }
        return f.keyframe() && (due || f.track() != clip.track());
    }

    /** Begins a file with the pre-roll before the motion's first picture, or before {@code newestMicros}. */
    private void begin(long now, long newestMicros) {
        boolean motion = "motion".equals(triggers.kind());
        long from = (motion ? Math.min(triggers.motionStartMicros(), newestMicros) : newestMicros) - preRollMicros;
        List<Frame> frames = preRoll.take(from);
        if (frames.isEmpty()) {
            return;
        }
        int[] size = camera.pictureSize();
        try {
            clip = Clip.begin(library, id, triggers.kind(), frames.get(0), size[0], size[1], camera.config().fps());
            active = true;
            keyframeAsked = false;
            counted = 0;
            for (Frame f : frames) {
                clip.write(f);
            }
            if (video) {
                thumbnail.set(null);
                camera.broadcaster().awaitNext(thumbnailWaiter);
            }
            flush(now);
            LOG.fine(() -> "Camera '" + id + "': recording " + clip.file());
        } catch (IOException e) {
            fail(e, now);
        }
    }

    private void write(Frame f, long now) {
        try {
            clip.write(f);
            if (now - nextFlush >= 0 || f.keyframe() && clip.video()) {
                flush(now);
            }
        } catch (IOException e) {
            fail(e, now);
        }
    }

    private void flush(long now) throws IOException {
        clip.flush();
        long b = clip.bytes();
        bytesWritten.addAndGet(b - counted);
        counted = b;
        nextFlush = now + FLUSH_NANOS;
    }

    private void endClip(long now) {
        if (clip == null) {
            return;
        }
        Clip c = clip;
        clip = null;
        active = false;
        camera.broadcaster().cancel(thumbnailWaiter);
        try {
            c.close();
            bytesWritten.addAndGet(c.bytes() - counted);
        } catch (IOException e) {
            fail(e, now);
        }
        retention(now);
    }

    private void housekeeping(long now) {
        try {
            if (clip != null && !triggers.wanted(now)) {
                endClip(now);
            }
            if (clip != null && now - nextFlush >= 0) {
                flush(now);
            }
            Frame t = thumbnail.getAndSet(null);
            if (t != null && clip != null && !clip.hasThumbnail()) {
                clip.thumbnail(t.part(), t.jpegOffset(), t.jpegLength());
            }
        } catch (IOException e) {
            fail(e, now);
        }
        if (now - nextRetention >= 0) {
            retention(now);
        }
        folder.recheck(now);
    }

    private void retention(long now) {
        nextRetention = now + RETENTION_NANOS;
        Retention.apply(library, id, options.keepDays(), options.keepSize(), Instant.now());
    }

    /** A write failed: the file ends as it is (the Library works out what is in it) and recording waits for the folder. */
    private void fail(IOException e, long now) {
        Clip c = clip;
        clip = null;
        active = false;
        preRoll.clear();
        if (c != null) {
            try {
                c.close();
            } catch (IOException | RuntimeException ignored) {
                // Written up to the failure.
            }
        }
        folder.failed(e, now);
    }
}
