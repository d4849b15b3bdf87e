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
    /** Where the walk to the held picture began, to read it again. */
    private long heldAt;

    private AviFrames(FileChannel in) {
        this.in = in;
        this.reader = new AviReader(in, true);
    }

    /** The file, at its first picture; null when it is no AVI or holds no picture. */
    public static AviFrames open(Path file) throws IOException {
        FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        AviFrames frames = new AviFrames(in);
        try {
            if (frames.reader.begin()) {
                frames.heldAt = in.position();
                if (frames.reader.next(frames.buffer)) {
                    return frames;
                }
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
     * headers); false when the file ends first, holding then its last whole picture.
     */
    public boolean skip(int n) throws IOException {
        long passed = -1;
        for (int i = 1; i < n; i++) {
            long at = in.position();
            if (!reader.next(null)) {
                return holdLast(passed);
            }
            passed = at;
            index++;
        }
        if (n > 0) {
            long at = in.position();
            if (!reader.next(buffer)) {
                return holdLast(passed);
            }
            heldAt = at;
            index++;
        }
        return true;
    }

    /**
     * At the end: reads again the last picture passed over ({@code passed}: where the walk to it began),
     * or the one held, as a read cut short by the end of a file being written empties the buffer.
     */
    private boolean holdLast(long passed) throws IOException {
        long at = passed >= 0 ? passed : heldAt;
        in.position(at);
        reader.next(buffer);
        heldAt = at;
        return false;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
