package camstream.record;

import camstream.video.Fmp4;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * H.264 in fragmented MP4: the track's init segment, then the stream's frames as they come (each one
 * a moof + mdat), renumbered and retimed to begin at 0 so that a player shows the file from its start.
 * Every fragment is whole on its own: the file reads up to its last complete one at any moment, and
 * {@link #flush} forces what was appended to disk (a crash or power loss loses at most what came after).
 */
final class Fmp4File implements Closeable {

    private final FileChannel out;
    private final long timescale;
    private long sequence;
    private long time;
    private long bytes;
    private int pictures;
    private boolean closed;

    private Fmp4File(FileChannel out, long timescale) {
        this.out = out;
        this.timescale = timescale;
    }

    /** Creates (or replaces) {@code file} with the init segment {@code init} of the track to come. */
    static Fmp4File create(Path file, byte[] init) throws IOException {
        long timescale = timescale(init);
        if (timescale <= 0) {
            throw new IllegalArgumentException("not an init segment with a timescale");
        }
        FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        Fmp4File f = new Fmp4File(out, timescale);
        try {
            f.append(init, 0, init.length);
            return f;
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /**
     * Appends one frame: {@code fragment} as the stream made it (moof with one sample, mdat), its
     * sample rewritten at this file's next sequence number and time.
     */
    void write(byte[] fragment, boolean keyframe) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        ByteBuffer b = ByteBuffer.wrap(fragment);
        int moof = b.getInt(0);
        int duration = Fmp4.fragmentDuration(fragment);
        int sample = moof + 8;
        byte[] own = Fmp4.fragment(++sequence, time, duration, keyframe, fragment, sample, fragment.length - sample);
        append(own, 0, own.length);
        time += duration;
        pictures++;
    }

    /** Forces what was appended to disk. */
    void flush() throws IOException {
        if (!closed) {
            out.force(false);
        }
    }

    int pictures() {
        return pictures;
    }

    long bytes() {
        return bytes;
    }

    /** Length of the frames written, by their durations. */
    double seconds() {
        return time / (double) timescale;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.force(false);
        } finally {
            out.close();
        }
    }

    private void append(byte[] b, int offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, offset, length);
        while (buf.hasRemaining()) {
            bytes += out.write(buf, bytes);
        }
    }

    /** The track's timescale from the init segment's mdhd. */
    static long timescale(byte[] init) {
        ByteBuffer b = ByteBuffer.wrap(init);
        for (int i = 4; i + 24 <= init.length; i++) {
            if (init[i] == 'm' && init[i + 1] == 'd' && init[i + 2] == 'h' && init[i + 3] == 'd') {
                int version = init[i + 4] & 0xff;
                int at = i + 4 + 4 + (version == 1 ? 16 : 8);
                return at + 4 <= init.length ? Integer.toUnsignedLong(b.getInt(at)) : 0;
            }
        }
        return 0;
    }
}
