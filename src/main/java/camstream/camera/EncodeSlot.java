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
 * One output of a camera, a size and quality, encoded on the {@link EncodePool}: at most one encode
 * of it runs at a time and at most one waits, the newest, so a slow encode never queues pictures and
 * its streams get frames in order. Outputs of one picture run in parallel. When the waiting picture
 * is taken, the slot has room again and says so ({@code onRoom}): the capture loop makes no picture
 * that no output has room for.
 */
final class EncodeSlot {

    private static final Logger LOG = Logger.getLogger(EncodeSlot.class.getName());

    /** One picture to encode and the streams that get it. */
    private record Job(Picture picture, long captureMicros, List<Broadcaster> to) {
    }

    final int width;
    final int height;
    final int quality;
    private final String camera;
    private final EncodePool pool;
    private final Publisher publisher;
    private final CameraCounters counters;
    private final Runnable onRoom;
    private final Clock clock;
    /** {@link Clock#nanoTime} when the encode under way began; 0 when none is. */
    private volatile long encodingSince;
    /** The downscaled picture; touched only by the running encode. */
    private final Mat scaled = new Mat();

    // Guarded by this.
    private Job waiting;
    private boolean running;
    private boolean closed;
    private boolean failedBefore;

    /** Publishes one encoded picture to one stream (and counts a duplicate that is not sent). */
    interface Publisher {
        void publish(Broadcaster to, byte[] jpeg, long captureMicros);
    }

    EncodeSlot(String camera, int width, int height, int quality, EncodePool pool, Publisher publisher,
               CameraCounters counters, Runnable onRoom, Clock clock) {
        this.camera = camera;
        this.width = width;
        this.height = height;
        this.quality = quality;
        this.pool = pool;
        this.publisher = publisher;
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
        picture.hold();
        Job job = new Job(picture, captureMicros, to);
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
            dropped.picture.release();
        }
        if (start) {
            schedule();
        }
    }

    /** No more pictures; what waits is dropped, and the downscaled picture is freed once no encode uses it. */
    void close() {
        Job dropped;
        boolean idle;
        synchronized (this) {
            closed = true;
            dropped = waiting;
            waiting = null;
            idle = !running;
        }
        if (dropped != null) {
            dropped.picture.release();
        }
        if (idle) {
            scaled.release();
        }
    }

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
            job.picture.release();
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

    /** Nothing waits: no encode runs any more, and a closed slot frees its downscaled picture. Under the lock. */
    private void stopped() {
        running = false;
        if (closed) {
            scaled.release();
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

    private void encode(Job job, JpegEncoder encoder) {
        Mat picture = job.picture.result();
        Mat m = picture;
        if (picture.cols() != width || picture.rows() != height) {
            // INTER_AREA: the average of the pixels each one covers, no aliasing when shrinking.
            Imgproc.resize(picture, scaled, new Size(width, height), 0, 0, Imgproc.INTER_AREA);
            m = scaled;
        }
        long t0 = System.nanoTime();
        byte[] jpeg = encoder.encode(m, quality);
        long nanos = System.nanoTime() - t0;
        counters.encodedLive(nanos);
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("Camera '" + camera + "': encoded " + width + "x" + height + " in " + nanos / 1000 + " us");
        }
        for (Broadcaster b : job.to) {
            publisher.publish(b, jpeg, job.captureMicros);
        }
    }

    /** A failed encode costs its picture only; logged at WARNING once per output. */
    private void report(Throwable e) {
        boolean first;
        synchronized (this) {
            first = !failedBefore;
            failedBefore = true;
        }
        Level level = first ? Level.WARNING : Level.FINE;
        LOG.log(level, e, () -> "Camera '" + camera + "': encoding a " + width + "x" + height + " picture failed");
    }
}
