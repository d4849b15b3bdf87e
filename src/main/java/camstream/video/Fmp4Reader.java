package camstream.video;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back the fragmented MP4 that {@link Fmp4} writes (another camstream's {@code /stream/{camera}.mp4}),
 * fed as it arrives, one buffer at a time: the init segment (ftyp, moov with one avc1 or avc3 track),
 * then one moof + mdat per frame, each fragment handed on as one {@link AccessUnit}. Strict and bounded:
 * a box is held whole before it is read, at most {@code maxSample} bytes for an mdat and 64 KiB for any
 * other; anything but our own format (another box order, more than one sample per fragment, a sample
 * whose NAL lengths do not add up) is a {@link Malformed} stream, which ends the reading.
 */
public final class Fmp4Reader {

    /** What the stream holds, one call at a time on the feeding thread. */
    public interface Sink {
        /**
         * One frame: its NAL units, a keyframe with the stream's SPS and PPS first (those of the init
         * segment when it carries none), and its duration in the stream's timescale.
         */
        void sample(AccessUnit unit, long duration);
    }

    /** The stream is not the fragmented MP4 camstream writes; the message says where and why. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    static final int MAX_BOX = 64 * 1024;
    private static final int HEADER = 8;
    private static final int NON_SYNC = 0x00010000;

    private final int maxSample;
    private final Sink sink;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER);
    private String type;
    private byte[] body;
    private int filled;
    private boolean sawInit;
    private byte[] sps;
    private byte[] pps;
    /** The last moof's sample: its size, duration and whether it is a keyframe; size -1 when no moof waits for its mdat. */
    private long pendingSize = -1;
    private long pendingDuration;
    private boolean pendingKey;
    private long boxes;
    private long timescale;

    public Fmp4Reader(int maxSample, Sink sink) {
        this.maxSample = maxSample;
        this.sink = sink;
    }

    /** Reads all of {@code b}; throws at the first thing that is not our format, after which the reader is done. */
    public void feed(ByteBuffer b) throws Malformed {
        while (b.hasRemaining()) {
            if (body == null) {
                while (header.hasRemaining() && b.hasRemaining()) {
                    header.put(b.get());
                }
                if (header.hasRemaining()) {
                    return;
                }
                begin(header.getInt(0), header.array());
                header.clear();
            }
            int n = Math.min(b.remaining(), body.length - filled);
            b.get(body, filled, n);
            filled += n;
            if (filled == body.length) {
                byte[] whole = body;
                body = null;
                filled = 0;
                boxes++;
                box(type, whole);
            }
        }
    }

    /** Whether the bytes fed so far end inside a box or between a moof and its mdat: a stream cut there was cut mid-fragment. */
    public boolean inFragment() {
        return body != null || header.position() > 0 || pendingSize >= 0;
    }

    /** The track's timescale (its mdhd's), the unit of a sample's duration; 0 before the init segment or if it has none. */
    public long timescale() {
        return timescale;
    }

    /** A box's header: its size must be one this stream can have at this point. */
    private void begin(int size32, byte[] h) throws Malformed {
        for (int i = 4; i < 8; i++) {
            // Our boxes are named with letters and digits ("url " has a space, but never at the top).
            if (!Character.isLetterOrDigit(h[i]) || h[i] > 'z') {
                throw new Malformed("box " + (boxes + 1) + " has no box type (bytes that are not an MP4 box)");
            }
        }
        type = new String(h, 4, 4, StandardCharsets.US_ASCII);
        long size = Integer.toUnsignedLong(size32);
        long max = type.equals("mdat") ? HEADER + (long) maxSample : MAX_BOX;
        if (size < HEADER || size > max) {
            throw new Malformed("a '" + type + "' box of " + size + " bytes" + (size < HEADER ? "" : ", over the maximum of "
                    + max));
        }
        body = new byte[(int) size - HEADER];
    }

    private void box(String t, byte[] b) throws Malformed {
        if (!sawInit) {
            if (boxes == 1 && !t.equals("ftyp")) {
                throw new Malformed("the stream begins with '" + t + "', not 'ftyp'");
            }
            if (t.equals("moov")) {
                moov(ByteBuffer.wrap(b));
                sawInit = true;
            }
            return;
        }
        switch (t) {
            case "moof" -> {
                if (pendingSize >= 0) {
                    throw new Malformed("a 'moof' without its 'mdat'");
                }
                moof(ByteBuffer.wrap(b), b.length + HEADER);
            }
            case "mdat" -> {
                if (pendingSize != b.length) {
                    throw new Malformed(pendingSize < 0 ? "an 'mdat' without a 'moof'"
                            : "an 'mdat' of " + b.length + " bytes for a sample of " + pendingSize);
                }
                pendingSize = -1;
                sink.sample(unit(b), pendingDuration);
            }
            case "ftyp", "moov" -> throw new Malformed("a second init segment ('" + t + "') in the stream");
            default -> {
                // Boxes a player skips (free, skip, styp, sidx, emsg): so does this reader.
            }
        }
    }

    /** The track's parameter sets, from moov/trak/mdia/minf/stbl/stsd/avc1|avc3/avcC, and its timescale. */
    private void moov(ByteBuffer b) throws Malformed {
        ByteBuffer stsd = find(b, "trak", "mdia", "minf", "stbl", "stsd");
        if (stsd == null || stsd.remaining() < 8) {
            throw new Malformed("an init segment without a video track");
        }
        stsd.position(8); // version, flags, entry_count
        ByteBuffer entry = childOf(stsd, "avc1");
        if (entry == null) {
            entry = childOf(stsd, "avc3");
        }
        if (entry == null) {
            throw new Malformed("an init segment whose track is not H.264 (no avc1 or avc3 entry)");
        }
        if (entry.remaining() < 78) {
            throw new Malformed("an H.264 sample entry cut short");
        }
        entry.position(78); // the VisualSampleEntry fields
        ByteBuffer c = childOf(entry, "avcC");
        if (c == null || c.remaining() < 6) {
            throw new Malformed("an H.264 track without its avcC");
        }
        c.position(4);
        if ((c.get() & 3) != 3) {
            throw new Malformed("NAL lengths of other than 4 bytes");
        }
        int nSps = c.get() & 0x1f;
        for (int i = 0; i < nSps; i++) {
            sps = nal(c);
        }
        int nPps = c.hasRemaining() ? c.get() & 0xff : 0;
        for (int i = 0; i < nPps; i++) {
            pps = nal(c);
        }
        ByteBuffer mdhd = find(b, "trak", "mdia", "mdhd");
        if (mdhd != null && mdhd.remaining() >= 24) {
            // After version, flags and the creation and modification times (64-bit in version 1).
            timescale = Integer.toUnsignedLong(mdhd.getInt(mdhd.get(0) == 1 ? 20 : 12));
        }
    }

    private static byte[] nal(ByteBuffer c) throws Malformed {
        if (c.remaining() < 2) {
            throw new Malformed("an avcC cut short");
        }
        int n = c.getShort() & 0xffff;
        if (n < 1 || n > c.remaining()) {
            throw new Malformed("an avcC parameter set of " + n + " bytes");
        }
        byte[] nal = new byte[n];
        c.get(nal);
        return nal;
    }

    /** The fragment's one sample: its size, duration and flags, from moof/traf/trun. */
    private void moof(ByteBuffer b, int moofSize) throws Malformed {
        ByteBuffer traf = find(b, "traf");
        ByteBuffer trun = traf == null ? null : childOf(traf, "trun");
        if (trun == null || trun.remaining() < 8) {
            throw new Malformed("a 'moof' without a 'trun'");
        }
        int flags = trun.getInt() & 0xffffff;
        long count = Integer.toUnsignedLong(trun.getInt());
        if (count != 1) {
            throw new Malformed("a fragment of " + count + " samples, not 1");
        }
        if ((flags & 0x000601) != 0x000601 || trun.remaining() < 4 * Integer.bitCount(flags & 0xf05)) {
            throw new Malformed("a 'trun' without the data offset, size and flags of its sample");
        }
        int offset = trun.getInt();
        if ((flags & 0x4) != 0) {
            trun.getInt(); // first_sample_flags, overridden below
        }
        pendingDuration = (flags & 0x100) != 0 ? Integer.toUnsignedLong(trun.getInt()) : 0;
        long size = Integer.toUnsignedLong(trun.getInt());
        pendingKey = (trun.getInt() & NON_SYNC) == 0;
        if (offset != moofSize + HEADER) {
            throw new Malformed("a sample that is not the whole of the 'mdat' after its 'moof'");
        }
        if (size > maxSample) {
            throw new Malformed("a sample of " + size + " bytes, over the maximum of " + maxSample);
        }
        pendingSize = size;
    }

    /** The sample's NAL units; a keyframe gets the init segment's parameter sets when it carries none. */
    private AccessUnit unit(byte[] sample) throws Malformed {
        List<byte[]> nals = new ArrayList<>();
        boolean hasSps = false;
        boolean hasPps = false;
        for (int at = 0; at < sample.length; ) {
            if (sample.length - at < 5) {
                throw new Malformed("a sample whose NAL units do not fill it");
            }
            long n = (sample[at] & 0xffL) << 24 | (sample[at + 1] & 0xff) << 16 | (sample[at + 2] & 0xff) << 8
                    | sample[at + 3] & 0xff;
            if (n < 1 || n > sample.length - at - 4) {
                throw new Malformed("a NAL unit of " + n + " bytes in a sample of " + sample.length);
            }
            byte[] nal = new byte[(int) n];
            System.arraycopy(sample, at + 4, nal, 0, nal.length);
            hasSps |= (nal[0] & 0x1f) == AnnexB.SPS;
            hasPps |= (nal[0] & 0x1f) == AnnexB.PPS;
            nals.add(nal);
            at += 4 + nal.length;
        }
        if (nals.isEmpty()) {
            throw new Malformed("an empty sample");
        }
        if (pendingKey && !(hasSps && hasPps) && sps != null && pps != null) {
            nals.add(0, pps);
            nals.add(0, sps);
        }
        return new AccessUnit(Codec.H264, nals, pendingKey, sample.length);
    }

    /** The body of the box reached by the path of child types, each the first of its type; null if there is none. */
    private static ByteBuffer find(ByteBuffer b, String... path) throws Malformed {
        ByteBuffer at = b;
        for (String t : path) {
            at = childOf(at, t);
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    /** The first child box of type {@code t} among the boxes from the buffer's position, as a buffer over its body. */
    private static ByteBuffer childOf(ByteBuffer b, String t) throws Malformed {
        int at = b.position();
        while (b.limit() - at >= HEADER) {
            long size = Integer.toUnsignedLong(b.getInt(at));
            if (size < HEADER || size > b.limit() - at) {
                throw new Malformed("a box inside a box of " + size + " bytes, over what holds it");
            }
            boolean match = true;
            for (int i = 0; i < 4; i++) {
                match &= b.get(at + 4 + i) == t.charAt(i);
            }
            if (match) {
                return b.duplicate().position(at + HEADER).limit(at + (int) size).slice();
            }
            at += (int) size;
        }
        return null;
    }
}
