package camstream.source;

import org.opencv.core.Mat;

/**
 * Where a camera's images come from. Called only from the camera's capture thread.
 */
public interface FrameSource extends AutoCloseable {

    /** Opens the device or file; the message of the exception is shown to viewers. */
    void open() throws SourceException;

    /**
     * Reads the next image into {@code frame}: BGR, BGRA or grey, of any depth (Pictures.encodable
     * makes it 8-bit for the encoders). Blocks until an image is ready; a source without its own
     * clock returns at once and the capture thread paces it.
     */
    void read(Mat frame) throws SourceException;

    /** Frames per second the capture thread should pace this source at, or 0 if the source paces itself. */
    double pacingFps();

    /** A short text for logs and placeholders, e.g. "device 0" or "file clip.avi". */
    String describe();

    /** Releases the device or file; safe to call when not open and more than once. */
    @Override
    void close();
}
