package camstream.source;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The JPEG pictures of an MJPEG AVI file in order, as they are stored (no decode), for playing a
 * recording back: {@link AviReader} over the file, so a file still being written plays up to its last
 * whole picture. One picture is held at a time, in a buffer the next read reuses.
 */
public final class AviFrames implements Closeable {

    private final FileChannel in;
    private final AviReader reader;
    private final ImageBuffer buffer = new ImageBuffer();
    private int index;

    private AviFrames(FileChannel in) {
        this.in = in;
        this.reader = new AviReader(in, true);
    }

    /** The file, at its first picture; null when it is no AVI or holds no picture. */
    public static AviFrames open(Path file) throws IOException {
        FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        AviFrames frames = new AviFrames(in);
        try {
            if (frames.reader.begin() && frames.reader.next(frames.buffer)) {
                return frames;
            }
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        in.close();
        return null;
    }

    /** Pictures a second, from the file's header; 0 when it gives none. */
    public double fps() {
        return reader.fps();
    }

    /** The number of the picture held, from 0. */
    public int index() {
        return index;
    }

    /** The held picture's JPEG: the first {@link #length()} bytes, valid until the next move. */
    public byte[] jpeg() {
        return buffer.bytes();
    }

    public int length() {
        return buffer.length();
    }

    /** Moves to the next picture; false at the end of what was written. */
    public boolean next() throws IOException {
        return skip(1);
    }

    /**
     * Moves {@code n} pictures on, reading only the last (the others are passed over by their chunk
     * headers); false when the file ends first
     * (the picture held is then the last one read).
     */
    public boolean skip(int n) throws IOException {
        for (int i = 1; i < n; i++) {
            if (!reader.next(null)) {
                return false;
            }
            index++;
        }
        if (n > 0) {
            if (!reader.next(buffer)) {
                return false;
            }
            index++;
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
