package camstream.video;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An H.264 byte stream as encoders write it (ITU-T H.264 Annex B): NAL units, each after a
 * {@code 00 00 01} or {@code 00 00 00 01} start code. NAL units are handed out as views into the
 * caller's array (offset and length), not copies; emulation prevention bytes ({@code 00 00 03}) are
 * left as they are, since MP4 samples carry NAL units in the same escaped form.
 */
public final class AnnexB {

    public static final int NON_IDR_SLICE = 1;
    public static final int IDR_SLICE = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int AUD = 9;

    private AnnexB() {
    }

    /**
     * One NAL unit inside {@code data}: from its header byte, {@code length} bytes, without start
     * code. The array is shared, not copied; a NAL unit is only valid while the caller leaves it alone.
     */
    public record Nal(byte[] data, int offset, int length) {

        public Nal {
            Objects.checkFromIndexSize(offset, length, data.length);
            if (length < 1) {
                throw new IllegalArgumentException("a NAL unit has at least its header byte");
            }
        }

        /** nal_unit_type: the low 5 bits of the header byte. */
        public int type() {
            return data[offset] & 0x1f;
        }

        /** A coded slice (types 1 to 5): the picture itself, as opposed to parameter sets and SEI. */
        public boolean isSlice() {
            int t = type();
            return t >= NON_IDR_SLICE && t <= IDR_SLICE;
        }

        /**
         * For a slice, whether first_mb_in_slice is 0, i.e. it starts a picture: that field comes
         * first after the header and is ue(v), whose code for 0 is the single bit 1.
         */
        public boolean startsPicture() {
            return isSlice() && length > 1 && (data[offset + 1] & 0x80) != 0;
        }

        /** Its bytes in an array of their own (for avcC, which outlives the stream buffer). */
        public byte[] toArray() {
            byte[] copy = new byte[length];
            System.arraycopy(data, offset, copy, 0, length);
            return copy;
        }
    }

    /** The NAL units of a whole array; see {@link #split(byte[], int, int)}. */
    public static List<Nal> split(byte[] stream) {
        return split(stream, 0, stream.length);
    }

    /**
     * The NAL units in {@code stream[offset, offset + length)}, in order. Zero bytes before a start
     * code (the extra {@code 00} of a 4-byte start code, trailing_zero_8bits) belong to no NAL unit.
     * Empty input gives an empty list.
     *
     * @throws IllegalArgumentException when anything but zero bytes comes before the first start
     *                                  code: the input is not Annex B (perhaps already AVCC)
     */
    public static List<Nal> split(byte[] stream, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, stream.length);
        int end = offset + length;
        List<Nal> nals = new ArrayList<>();
        int code = startCode(stream, offset, end);
        for (int i = offset; i < (code < 0 ? end : code); i++) {
            if (stream[i] != 0) {
                throw new IllegalArgumentException("not an Annex B byte stream: byte " + (i - offset)
                        + " comes before any 00 00 01 start code");
            }
        }
        while (code >= 0) {
            int from = code + 3;
            int next = startCode(stream, from, end);
            int to = next < 0 ? end : next;
            // A NAL unit never ends in a zero byte (its last byte holds the rbsp stop bit), so
            // zeros before the next start code are padding or part of a 4-byte start code.
            while (to > from && stream[to - 1] == 0) {
                to--;
            }
            if (to > from) {
                nals.add(new Nal(stream, from, to - from));
            }
            code = next;
        }
        return nals;
    }

    /** Where the next {@code 00 00 01} in {@code b[from, end)} begins, or -1. */
    private static int startCode(byte[] b, int from, int end) {
        for (int i = from; i + 2 < end; i++) {
            byte third = b[i + 2];
            if (third == 1 && b[i] == 0 && b[i + 1] == 0) {
                return i;
            }
            if (third != 0) {
                // A start code at i + 1 or i + 2 would need b[i + 2] to be 0: none begins before i + 3.
                i += 2;
            }
        }
        return -1;
    }

    /**
     * Groups NAL units into access units (one picture each, with the parameter sets and SEI sent
     * before it). A new access unit begins, once the current one has a slice, at an AUD, SPS, PPS
     * or SEI, or at a slice whose first_mb_in_slice is 0 (H.264 7.4.1.2.3, simplified: it does not
     * compare frame_num or pic_parameter_set_id, which only matters for arbitrary slice order).
     */
    public static List<List<Nal>> accessUnits(List<Nal> nals) {
        List<List<Nal>> units = new ArrayList<>();
        List<Nal> unit = new ArrayList<>();
        boolean hasSlice = false;
        for (Nal nal : nals) {
            int t = nal.type();
            boolean startsNext = nal.startsPicture() || t == AUD || t == SPS || t == PPS || t == SEI;
            if (hasSlice && startsNext) {
                units.add(unit);
                unit = new ArrayList<>();
                hasSlice = false;
            }
            unit.add(nal);
            hasSlice |= nal.isSlice();
        }
        if (!unit.isEmpty()) {
            units.add(unit);
        }
        return units;
    }

    /** The first NAL unit of the given type, e.g. {@link #SPS} or {@link #PPS}. */
    public static Optional<Nal> first(List<Nal> nals, int type) {
        return nals.stream().filter(n -> n.type() == type).findFirst();
    }

    /** Whether an access unit holds an IDR slice: a point where a decoder can start. */
    public static boolean isKeyframe(List<Nal> accessUnit) {
        return first(accessUnit, IDR_SLICE).isPresent();
    }

    /**
     * One access unit as an MP4 sample: each NAL unit after its length as 4 big-endian bytes. SPS,
     * PPS and AUD are left out: the parameter sets travel in avcC (an avc1 sample entry), and MP4
     * has no use for access unit delimiters.
     */
    public static byte[] toAvcc(List<Nal> accessUnit) {
        int size = 0;
        for (Nal nal : accessUnit) {
            if (inSample(nal)) {
                size += 4 + nal.length();
            }
        }
        byte[] sample = new byte[size];
        int at = 0;
        for (Nal nal : accessUnit) {
            if (inSample(nal)) {
                at = put(sample, at, nal.data(), nal.offset(), nal.length());
            }
        }
        return sample;
    }

    /**
     * An MP4 sample of a keyframe with the SPS and PPS before it, length-prefixed as its NAL units are:
     * a keyframe a player can start at whatever came before (an {@code avc3} stream).
     */
    public static byte[] withParameterSets(byte[] sample, byte[] sps, byte[] pps) {
        byte[] out = new byte[8 + sps.length + pps.length + sample.length];
        int at = put(out, 0, sps, 0, sps.length);
        at = put(out, at, pps, 0, pps.length);
        System.arraycopy(sample, 0, out, at, sample.length);
        return out;
    }

    /** Writes {@code nal[offset, offset + n)} after its length as 4 big-endian bytes; returns where the next goes. */
    private static int put(byte[] out, int at, byte[] nal, int offset, int n) {
        out[at] = (byte) (n >>> 24);
        out[at + 1] = (byte) (n >>> 16);
        out[at + 2] = (byte) (n >>> 8);
        out[at + 3] = (byte) n;
        System.arraycopy(nal, offset, out, at + 4, n);
        return at + 4 + n;
    }

    private static boolean inSample(Nal nal) {
        int t = nal.type();
        return t != SPS && t != PPS && t != AUD;
    }
}
