package camstream.source;

import camstream.stream.Via;
import camstream.video.AccessUnit;
import org.opencv.core.Mat;

import java.util.Map;

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

    /**
     * True when this source, as opened, delivers ready JPEG pictures through {@link #readJpeg}
     * instead of images through {@link #read}: an http relay, a device in MJPG.
     */
    default boolean deliversJpeg() {
        return false;
    }

    /** Reads the next picture as JPEG bytes, blocking like {@link #read}; only when {@link #deliversJpeg}. */
    default JpegFrame readJpeg() throws SourceException {
        throw new SourceException(describe() + " delivers no JPEG pictures");
    }

    /**
     * True when this source delivers coded video (an IP camera's H.264 or H.265) through
     * {@link #readVideo} instead of images through {@link #read}.
     */
    default boolean deliversVideo() {
        return false;
    }

    /**
     * Blocks until the next access unit of the camera's video, or, while {@link #decode decoding} is on,
     * a new decoded picture: null means the latter, which {@link #readDecoded} then gives. Only when
     * {@link #deliversVideo}.
     */
    default AccessUnit readVideo() throws SourceException {
        throw new SourceException(describe() + " delivers no video");
    }

    /** Says, at each access unit, whether pictures are needed: a source decodes its video only while they are. */
    default void decode(boolean wanted) throws SourceException {
    }

    /** Copies the newest decoded picture into {@code frame} (BGR); false when none came since the last call. */
    default boolean readDecoded(Mat frame) {
        return false;
    }

    /**
     * What the source counted since the camera started, by name (e.g. parts skipped for being too
     * large); read from other threads than the capture thread.
     */
    default Map<String, Long> counters() {
        return Map.of();
    }

    /**
     * The camstreams the video this source delivers came through, as its upstream said when it answered
     * (an upstream camstream's H.264); {@link Via#NONE} for a source that is no camstream's stream.
     */
    default Via upstreamPath() {
        return Via.NONE;
    }

    /** Frames per second the capture thread should pace this source at, or 0 if the source paces itself. */
    double pacingFps();

    /**
     * True when a source that paces itself keeps only its newest picture until it is read (an http
     * relay's stream), so that the capture thread may wait between reads: it then reads at most at
     * the camera's fps, whatever the upstream sends. A device queues its pictures oldest first and
     * is read as it delivers.
     */
    default boolean keepsNewest() {
        return false;
    }

    /** A short text for logs and placeholders, e.g. "device 0" or "file clip.avi". */
    String describe();

    /** Releases the device or file; safe to call when not open and more than once. */
    @Override
    void close();
}
