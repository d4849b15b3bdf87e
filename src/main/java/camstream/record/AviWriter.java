package camstream.record;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * MJPEG in AVI from JPEG bytes as they are (no decode, no encode). The header's sizes and counts are
 * rewritten at each {@link #flush}, so the file reads (ffprobe, {@code source.AviReader}) up to its
 * last flushed picture at any moment: a crash loses at most what came after that flush. The idx1
 * index that seeking players want is written by {@link #close}.
 *
 * <p>Layout: RIFF 'AVI ' { LIST hdrl { avih, LIST strl { strh, strf } }, LIST movi { 00dc... }, idx1 }.
 * One RIFF only, so a file stays under {@link #MAX_BYTES}; the recorder starts a new file before.
 */
public final class AviWriter implements Closeable {

    /** Plain AVI (no OpenDML): players agree up to 1 GiB. */
    public static final long MAX_BYTES = 1L << 30;

    private static final int AVIF_HASINDEX = 0x10;
    private static final int AVIIF_KEYFRAME = 0x10;
    // Offsets of the fields rewritten at each flush.
    private static final int RIFF_SIZE = 4;
    private static final int AVIH_MICROS = 32;
    private static final int AVIH_MAX_BYTES_PER_SEC = 36;
    private static final int AVIH_FRAMES = 48;
    private static final int AVIH_BUFFER = 60;
    private static final int STRH_SCALE = 128;
    private static final int STRH_RATE = 132;
    private static final int STRH_LENGTH = 140;
    private static final int STRH_BUFFER = 144;
    private static final int MOVI_SIZE = 216;
    private static final int HEADER_BYTES = 224;
    private static final int RATE_SCALE = 1000;

    private final FileChannel out;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer chunk = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private int[] offsets = new int[256];
    private int[] sizes = new int[256];
    private int pictures;
    private long end = HEADER_BYTES;
    private int largest;
    private double fps;
    private boolean closed;

    private AviWriter(FileChannel out, int width, int height, double fps) {
        this.out = out;
        this.fps = fps;
        writeHeader(width, height);
    }

    /** Creates (or replaces) {@code file} and writes a header for no pictures yet. */
    public static AviWriter create(Path file, int width, int height, double fps) throws IOException {
        if (width < 1 || height < 1 || !(fps > 0)) {
            throw new IllegalArgumentException("width, height and fps must be positive, not " + width + "x" + height + " at " + fps);
        }
        FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.READ);
        try {
            AviWriter w = new AviWriter(out, width, height, fps);
            w.flush();
            return w;
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Appends one picture (the first {@code length} bytes of {@code jpeg}). */
    public void write(byte[] jpeg, int length) throws IOException {
        write(jpeg, 0, length);
    }

    /** Appends one picture: {@code length} bytes of {@code b} from {@code offset}. */
    public void write(byte[] b, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, b.length);
        if (closed) {
            throw new IOException("closed");
        }
        long next = end + 8 + length + (length & 1);
        if (next + 16L * (pictures + 1) > MAX_BYTES) {
            throw new IOException("an AVI file stops at " + MAX_BYTES + " bytes");
        }
        chunk.clear();
        chunk.put("00dc".getBytes(StandardCharsets.US_ASCII)).putInt(length).flip();
        writeAt(chunk, end);
        writeAt(ByteBuffer.wrap(b, offset, length), end + 8);
        if ((length & 1) != 0) {
            writeAt(ByteBuffer.wrap(new byte[1]), end + 8 + length);
        }
        if (pictures == offsets.length) {
            offsets = Arrays.copyOf(offsets, pictures * 2);
            sizes = Arrays.copyOf(sizes, pictures * 2);
        }
        // idx1 offsets count from the 'movi' fourcc.
        offsets[pictures] = (int) (end - (MOVI_SIZE + 4));
        sizes[pictures] = length;
        pictures++;
        largest = Math.max(largest, length);
        end = next;
    }

    /** The rate written at the next flush: a recorder sets what it measured, so the length plays right. */
    public void fps(double fps) {
        if (fps > 0 && Double.isFinite(fps)) {
            this.fps = fps;
        }
    }

    /** Brings the header's counts and sizes up to date and forces data and header to disk. */
    public void flush() throws IOException {
        if (closed) {
            return;
        }
        out.force(false);
        updateHeader(end);
        writeAt(header.duplicate().clear(), 0);
        out.force(false);
    }

    public int pictures() {
        return pictures;
    }

    /** Bytes in the file so far. */
    public long bytes() {
        return end;
    }

    /** Writes the idx1 index and the final header; the file is complete. Safe to call twice. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            ByteBuffer idx = ByteBuffer.allocate(8 + 16 * pictures).order(ByteOrder.LITTLE_ENDIAN);
            idx.put("idx1".getBytes(StandardCharsets.US_ASCII)).putInt(16 * pictures);
            for (int i = 0; i < pictures; i++) {
                idx.put("00dc".getBytes(StandardCharsets.US_ASCII)).putInt(AVIIF_KEYFRAME).putInt(offsets[i]).putInt(sizes[i]);
            }
            idx.flip();
            writeAt(idx, end);
            out.force(false);
            updateHeader(end + idx.limit());
            writeAt(header.duplicate().clear(), 0);
            out.force(false);
        } finally {
            closed = true;
            out.close();
        }
    }

    private void writeHeader(int width, int height) {
        ByteBuffer b = header;
        fourcc(b, "RIFF").putInt(0);
        fourcc(b, "AVI ");
        fourcc(b, "LIST").putInt(192);
        fourcc(b, "hdrl");
        fourcc(b, "avih").putInt(56);
        b.putInt(0).putInt(0).putInt(0).putInt(AVIF_HASINDEX); // micros per frame, max bytes/s, padding, flags
        b.putInt(0).putInt(0).putInt(1).putInt(0); // frames, initial frames, streams, suggested buffer
        b.putInt(width).putInt(height).putInt(0).putInt(0).putInt(0).putInt(0);
        fourcc(b, "LIST").putInt(116);
        fourcc(b, "strl");
        fourcc(b, "strh").putInt(56);
        fourcc(b, "vids");
        fourcc(b, "MJPG");
        b.putInt(0).putShort((short) 0).putShort((short) 0).putInt(0); // flags, priority, language, initial frames
        b.putInt(RATE_SCALE).putInt(0).putInt(0).putInt(0); // scale, rate, start, length
        b.putInt(0).putInt(-1).putInt(0); // suggested buffer, quality, sample size
        b.putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height);
        fourcc(b, "strf").putInt(40);
        b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24);
        fourcc(b, "MJPG");
        b.putInt(width * height * 3).putInt(0).putInt(0).putInt(0).putInt(0);
        fourcc(b, "LIST").putInt(4);
        fourcc(b, "movi");
        if (b.position() != HEADER_BYTES) {
            throw new IllegalStateException("AVI header is " + b.position() + " bytes");
        }
    }

    private void updateHeader(long fileEnd) {
        int rate = (int) Math.round(fps * RATE_SCALE);
        header.putInt(RIFF_SIZE, (int) (fileEnd - 8));
        header.putInt(AVIH_MICROS, (int) Math.round(1e6 / fps));
        header.putInt(AVIH_MAX_BYTES_PER_SEC, (int) Math.min(Integer.MAX_VALUE, Math.round(largest * fps)));
        header.putInt(AVIH_FRAMES, pictures);
        header.putInt(AVIH_BUFFER, largest + 8);
        header.putInt(STRH_SCALE, RATE_SCALE);
        header.putInt(STRH_RATE, rate);
        header.putInt(STRH_LENGTH, pictures);
        header.putInt(STRH_BUFFER, largest + 8);
        header.putInt(MOVI_SIZE, (int) (end - (MOVI_SIZE + 4)));
    }

    private void writeAt(ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            position += out.write(b, position);
        }
    }

    private static ByteBuffer fourcc(ByteBuffer b, String code) {
        return b.put(code.getBytes(StandardCharsets.US_ASCII));
    }
}
