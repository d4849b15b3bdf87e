package camstream.support;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a fragmented MP4 stream box by box, as a player would: the init segment (ftyp, moov), then one
 * moof + mdat per frame. Only what the tests look at is parsed: a fragment's decode time (tfdt) and
 * whether its first sample is a keyframe (trun's sample flags).
 */
public final class Mp4Stream implements AutoCloseable {

    /** One top-level box. */
    public record Box(String type, byte[] body) {
    }

    /** One moof's frame: its decode time and whether a player can start there. */
    public record Fragment(long sequence, long decodeTime, int duration, boolean keyframe, int sampleBytes) {
    }

    private final DataInputStream in;

    public Mp4Stream(InputStream in) {
        this.in = new DataInputStream(in);
    }

    public Box next() throws IOException {
        long size = Integer.toUnsignedLong(in.readInt());
        byte[] type = new byte[4];
        in.readFully(type);
        if (size < 8 || size > 64 << 20) {
            throw new IOException("box size " + size + " of " + new String(type, StandardCharsets.ISO_8859_1));
        }
        byte[] body = new byte[(int) size - 8];
        in.readFully(body);
        return new Box(new String(type, StandardCharsets.ISO_8859_1), body);
    }

    /** The next moof and its mdat as one fragment; fails on anything else. */
    public Fragment nextFragment() throws IOException {
        Box moof = next();
        if (!moof.type().equals("moof")) {
            throw new IOException("expected moof, got " + moof.type());
        }
        Box mdat = next();
        if (!mdat.type().equals("mdat")) {
            throw new IOException("expected mdat, got " + mdat.type());
        }
        return parse(moof, mdat);
    }

    /** A moof and the mdat after it as one fragment; fails if they are anything else. */
    public static Fragment parse(Box moof, Box mdat) throws IOException {
        if (!moof.type().equals("moof") || !mdat.type().equals("mdat")) {
            throw new IOException("expected moof and mdat, got " + moof.type() + " and " + mdat.type());
        }
        return parse(moof.body(), mdat.body().length);
    }

    /** The NAL units of an H.264 sample, an mdat's body (each after its 4-byte length), each from its header byte. */
    public static List<byte[]> nals(byte[] sample) {
        List<byte[]> nals = new ArrayList<>();
        for (int at = 0; at + 4 <= sample.length; ) {
            int n = (sample[at] & 0xff) << 24 | (sample[at + 1] & 0xff) << 16 | (sample[at + 2] & 0xff) << 8 | sample[at + 3] & 0xff;
            byte[] nal = new byte[n];
            System.arraycopy(sample, at + 4, nal, 0, n);
            nals.add(nal);
            at += 4 + n;
        }
        return nals;
    }

    private static Fragment parse(byte[] moof, int sampleBytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(moof);
        long sequence = -1;
        long time = -1;
        int duration = -1;
        Boolean key = null;
        while (b.remaining() >= 8) {
            int start = b.position();
            int size = b.getInt();
            String type = type(b);
            switch (type) {
                case "mfhd" -> {
                    b.getInt();
                    sequence = Integer.toUnsignedLong(b.getInt());
                }
                case "traf" -> {
                    continue; // its children follow
                }
                case "tfdt" -> {
                    int version = b.get();
                    b.position(b.position() + 3);
                    time = version == 1 ? b.getLong() : Integer.toUnsignedLong(b.getInt());
                }
                case "trun" -> {
                    int flags = b.getInt() & 0xffffff;
                    b.getInt(); // sample count
                    if ((flags & 0x1) != 0) {
                        b.getInt();
                    }
                    if ((flags & 0x4) != 0) {
                        b.getInt();
                    }
                    if ((flags & 0x100) != 0) {
                        duration = b.getInt();
                    }
                    if ((flags & 0x200) != 0) {
                        b.getInt();
                    }
                    if ((flags & 0x400) != 0) {
                        int sampleFlags = b.getInt();
                        key = (sampleFlags & 0x00010000) == 0; // sample_is_non_sync_sample
                    }
                }
                default -> { }
            }
            b.position(start + size);
        }
        if (sequence < 0 || time < 0 || key == null) {
            throw new IOException("moof without mfhd, tfdt or trun sample flags");
        }
        return new Fragment(sequence, time, duration, key, sampleBytes);
    }

    private static String type(ByteBuffer b) {
        byte[] t = new byte[4];
        b.get(t);
        return new String(t, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads exactly one byte, or fails at the end of the stream. */
    public static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }
}
