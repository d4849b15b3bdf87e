package camstream.source;

import org.opencv.core.CvException;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/**
 * One reused buffer for the bytes of an image file or an AVI frame, read through an interruptible
 * channel (so that stopping the camera ends a blocked read) and decoded with {@code imdecode}.
 */
final class ImageBuffer {

    /** The most read for one picture; larger files and chunks are skipped, so memory stays bounded. */
    static final int MAX_BYTES = 64 << 20;
    // As stored: any depth, grey or colour (alpha dropped); Pictures.encodable makes it 8-bit for the encoders.
    private static final int FLAGS = Imgcodecs.IMREAD_ANYDEPTH | Imgcodecs.IMREAD_ANYCOLOR;

    private byte[] bytes = new byte[0];
    private int length;

    /** Reads exactly {@code n} bytes, at most {@link #MAX_BYTES}; false if the channel ended first. */
    boolean read(ReadableByteChannel in, int n) throws IOException {
        if (n > MAX_BYTES) {
            throw new IllegalArgumentException(n + " bytes is over the limit");
        }
        if (bytes.length < n) {
            bytes = new byte[Math.max(n, Math.min(MAX_BYTES, bytes.length * 3 / 2))];
        }
        length = 0;
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, n);
        while (b.hasRemaining()) {
            if (in.read(b) < 0) {
                return false;
            }
        }
        length = n;
        return true;
    }

    /** The bytes last read: the first {@link #length()} of this array, which the next read reuses. */
    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    /** Decodes the bytes last read into {@code frame}; false, leaving it alone, if they are not a picture. */
    boolean decode(Mat frame) {
        if (length == 0) {
            return false;
        }
        MatOfByte buf = new MatOfByte(0, length, bytes);
        Mat decoded = null;
        try {
            decoded = Imgcodecs.imdecode(buf, FLAGS);
            if (decoded.empty()) {
                return false;
            }
            decoded.assignTo(frame); // shares the pixels, no copy
            return true;
        } catch (CvException e) {
            return false;
        } finally {
            buf.release();
            if (decoded != null) {
                decoded.release();
            }
        }
    }

    /** Lets the buffer go, e.g. while the camera is idle. */
    void release() {
        bytes = new byte[0];
        length = 0;
    }

    /** Why a read failed, in a few words and without the path (which viewers must not see). */
    static String why(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
