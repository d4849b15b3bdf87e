package camstream.camera;

import camstream.encode.JpegEncoder;
import camstream.stream.Broadcaster;
import org.opencv.core.Mat;

import java.util.logging.Level;
import java.util.logging.Logger;

/** One JPEG output of a camera: a size and quality, encoded with the encoder thread's own JPEG encoder. */
final class JpegSlot extends EncodeSlot {

    private static final Logger LOG = Logger.getLogger(JpegSlot.class.getName());

    final int width;
    final int height;
    final int quality;
    private final Publisher publisher;
    /** The downscaled picture; touched only by the running encode. */
    private final Mat scaled = new Mat();

    /** Publishes one encoded picture to one stream (and counts a duplicate that is not sent). */
    interface Publisher {
        void publish(Broadcaster to, byte[] jpeg, long captureMicros);
    }

    JpegSlot(String camera, int width, int height, int quality, EncodePool pool, Publisher publisher,
             CameraCounters counters, Runnable onRoom, Clock clock) {
        super(camera, pool, counters, onRoom, clock);
        this.width = width;
        this.height = height;
        this.quality = quality;
        this.publisher = publisher;
    }

    @Override
    void encode(Job job, JpegEncoder encoder) {
        Mat m = scaled(job.picture().result(), scaled, width, height);
        long t0 = System.nanoTime();
        byte[] jpeg = encoder.encode(m, quality);
        long nanos = System.nanoTime() - t0;
        counters.encodedLive(nanos);
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("Camera '" + camera + "': encoded " + width + "x" + height + " in " + nanos / 1000 + " us");
        }
        for (Broadcaster b : job.to()) {
            publisher.publish(b, jpeg, job.captureMicros());
        }
    }

    @Override
    void free() {
        scaled.release();
    }

    @Override
    String describe() {
        return "a " + width + "x" + height + " JPEG";
    }
}
