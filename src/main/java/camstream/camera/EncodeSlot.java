package camstream.camera;

import camstream.encode.JpegEncoder;
import camstream.stream.Broadcaster;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One output of a camera (a JPEG size and quality, {@link JpegSlot}, or the H.264 stream,
 * {@link VideoSlot}), encoded on the {@link EncodePool}: at most one encode of it runs at a time and at
 * most one waits, the newest, so a slow encode never queues pictures and its streams get frames in
 * order. Outputs of one picture run in parallel. When the waiting picture is taken, the slot has room
 * again and says so ({@code onRoom}): the capture loop makes no picture that no output has room for.
 */
abstract class EncodeSlot {

    private static final Logger LOG = Logger.getLogger(EncodeSlot.class.getName());

    /** What a job asks for. */
    enum Kind {
        /** Encode a live picture. */
        PICTURE,
        /** Encode a picture that says why there is no live one. */
        PLACEHOLDER,
        /** Encode the previous picture again (a video keep-alive); no picture. */
        AGAIN,
        /** Free the encoder nobody needs now (video); no picture. */
        RELEASE
    }

    /** One picture to encode and the streams that get it; {@code picture} is null for AGAIN and RELEASE. */
    record Job(Kind kind, Picture picture, long captureMicros, List<Broadcaster> to) {
    }

    final String camera;
    private final EncodePool pool;
    final CameraCounters counters;
    private final Runnable onRoom;
    private final Clock clock;
    /** {@link Clock#nanoTime} when the encode under way began; 0 when none is. */
    private volatile long encodingSince;

    // Guarded by this.
    private Job waiting;
    private boolean running;
    private boolean closed;
    private boolean failedBefore;

    EncodeSlot(String camera, EncodePool pool, CameraCounters counters, Runnable onRoom, Clock clock) {
        this.camera = camera;
        this.pool = pool;
        this.counters = counters;
        this.onRoom = onRoom;
        this.clock = clock;
    }

    /** Whether a picture handed now would be encoded without dropping one that waits. */
    synchronized boolean hasRoom() {
        return waiting == null;
    }

    /** {@link Clock#nanoTime} when the encode under way began, or 0. */
    long encodingSince() {
        return encodingSince;
    }

    /** Encodes {@code picture} for {@code to} when an encoder is free; a picture still waiting is dropped. Takes a hold. */
    void submit(Picture picture, long captureMicros, List<Broadcaster> to) {
        submit(new Job(Kind.PICTURE, picture, captureMicros, to));
    }

    /** Encodes what {@code job} says when an encoder is free; a job still waiting is dropped. Takes a hold on its picture. */
    final void submit(Job job) {
        if (job.picture != null) {
            job.picture.hold();
        }
        Job dropped;
        boolean start;
        synchronized (this) {
            if (closed) {
                dropped = job;
                start = false;
            } else {
                dropped = waiting;
                waiting = job;
                start = !running;
                running = true;
            }
        }
        if (dropped != null) {
            counters.droppedEncodes.incrementAndGet();
            release(dropped);
        }
        if (start) {
            schedule();
        }
    }

    /** No more pictures; what waits is dropped, and what the encodes use is freed once none runs ({@link #free}). */
    final void close() {
        Job dropped;
        boolean idle;
        synchronized (this) {
            closed = true;
            dropped = waiting;
            waiting = null;
            idle = !running;
        }
        if (dropped != null) {
            release(dropped);
        }
        if (idle) {
            free();
        }
    }

    private static void release(Job job) {
        if (job.picture != null) {
            job.picture.release();
        }
    }

    /** Encodes one job on an encoder thread and publishes the result; {@code encoder} is the thread's JPEG encoder. */
    abstract void encode(Job job, JpegEncoder encoder);

    /** Frees what the encodes use; called once, after {@link #close}, when no encode runs. */
    abstract void free();

    /** What this output makes, for the log: e.g. {@code a 640x480 JPEG}. */
    abstract String describe();

    /**
     * Encodes the picture that waits, then gives the thread back: if another picture came meanwhile,
     * this output queues again behind the others, so that one slow output cannot keep a thread and
     * starve the rest of the camera's (and other cameras') outputs.
     */
    private void run(JpegEncoder encoder) {
        Job job;
        synchronized (this) {
            job = waiting;
            waiting = null;
            if (job == null) {
                stopped();
                return;
            }
        }
        onRoom.run();
        encodingSince = clock.nanoTime();
        try {
            encode(job, encoder);
        } catch (RuntimeException | LinkageError e) {
            report(e);
        } finally {
            encodingSince = 0;
            release(job);
        }
        boolean again;
        synchronized (this) {
            again = waiting != null;
            if (!again) {
                stopped();
            }
        }
        if (again) {
            schedule();
        }
    }

    /** Nothing waits: no encode runs any more, and a closed slot frees what its encodes used. Under the lock. */
    private void stopped() {
        running = false;
        if (closed) {
            free();
        }
    }

    /** Queues this output's next encode on the pool; while stopping, what waits is dropped instead. */
    private void schedule() {
        try {
            pool.execute(this::run);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                running = false;
            }
            close();
        }
    }

    /** {@code picture} at {@code width} x {@code height}: itself, or downscaled into {@code scaled}. */
    static Mat scaled(Mat picture, Mat scaled, int width, int height) {
        if (picture.cols() == width && picture.rows() == height) {
            return picture;
        }
        // INTER_AREA: the average of the pixels each one covers, no aliasing when shrinking.
        Imgproc.resize(picture, scaled, new Size(width, height), 0, 0, Imgproc.INTER_AREA);
        return scaled;
    }

    /** A failed encode costs its picture only; logged at WARNING once per output. */
    private void report(Throwable e) {
        boolean first;
        synchronized (this) {
            first = !failedBefore;
            failedBefore = true;
        }
        Level level = first ? Level.WARNING : Level.FINE;
        LOG.log(level, e, () -> "Camera '" + camera + "': encoding " + describe() + " failed");
    }
}
