package camstream.camera;

import camstream.source.JpegFrame;
import camstream.source.SourceException;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One captured picture on its way to the encoders: the capture thread reads it into {@link #image},
 * converts and transforms it (into {@link #work} when that cannot be done in place), then hands it to
 * the encoder threads, which only read it. It goes back to its pool, to be read into again, once the
 * capture thread and every encode of it have {@link #release}d it: no picture is copied, and none is
 * changed while an encoder reads it.
 */
final class Picture {

    private final Queue<Picture> pool;
    private final Mat image = new Mat();
    private final Mat work = new Mat();
    private final AtomicInteger holds = new AtomicInteger();
    /** {@link #image} or {@link #work}: the finished picture. Written by the capture thread before any encoder holds it. */
    private Mat result;
    private volatile boolean discarded;

    Picture(Queue<Picture> pool) {
        this.pool = pool;
    }

    /**
     * A picture of no pool, holding a copy of {@code m} (which is released): its maker holds it once,
     * and it is freed when the last holder lets go.
     */
    static Picture alone(Mat m) {
        Picture p = new Picture(null);
        p.take();
        try {
            m.copyTo(p.image);
        } finally {
            m.release();
        }
        p.discarded = true;
        return p;
    }

    /** Taken from the pool by the capture thread, which holds it once. */
    Picture take() {
        holds.set(1);
        result = image;
        return this;
    }

    /** Where the source reads the picture. */
    Mat image() {
        return image;
    }

    /** Decodes a source's JPEG picture into {@link #image}, for settings that need its pixels. */
    void decode(JpegFrame jpeg, String source) throws SourceException {
        byte[] bytes = jpeg.length() == jpeg.jpeg().length ? jpeg.jpeg() : Arrays.copyOf(jpeg.jpeg(), jpeg.length());
        MatOfByte buf = new MatOfByte(bytes);
        Mat m = Imgcodecs.imdecode(buf, Imgcodecs.IMREAD_UNCHANGED);
        try {
            if (m.empty()) {
                throw new SourceException(source + " sent a picture that does not decode");
            }
            m.copyTo(image);
        } finally {
            m.release();
            buf.release();
        }
    }

    /** A second picture of the same size, for a conversion or transform that cannot write in place. */
    Mat work() {
        return work;
    }

    void finish(Mat finished) {
        result = finished;
    }

    /** The picture to encode: read only, by any number of encoders at once. */
    Mat result() {
        return result;
    }

    /** One more encode will read it. */
    void hold() {
        holds.incrementAndGet();
    }

    /** One holder is done with it; the last returns it to the pool, or frees it once the pool is closed. */
    void release() {
        if (holds.decrementAndGet() == 0) {
            if (discarded) {
                free();
            } else {
                pool.add(this);
            }
        }
    }

    /** The pool is closing: frees it now if nobody holds it, else when the last holder lets go. */
    void discard() {
        discarded = true;
        if (holds.get() == 0) {
            free();
        }
    }

    private void free() {
        image.release();
        work.release();
    }
}
