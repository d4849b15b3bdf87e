package camstream.encode;

import org.opencv.core.Mat;

/** Turns a BGR image into JPEG bytes. One instance per capture thread; not thread-safe. */
public interface JpegEncoder extends AutoCloseable {

    /** Encodes {@code bgr} (8-bit, 3 channels) at {@code quality} 1..100. */
    byte[] encode(Mat bgr, int quality);

    /** Name for the log line that says which encoder is used. */
    String name();

    @Override
    default void close() {
    }
}
