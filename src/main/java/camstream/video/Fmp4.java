package camstream.video;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Fragmented MP4 (ISO/IEC 14496-12, CMAF style) for one H.264 track: an init segment, then one
 * moof + mdat per frame. A viewer joining late gets the init segment and the fragments from the
 * next keyframe on; nothing in a fragment refers to earlier ones but its sequence number.
 *
 * <p>Each box is written by the method named after it. A box's size is filled in when it ends, so
 * the methods only write their own fields and their children.
 */
public final class Fmp4 {

    private static final int TRACK = 1;

    // tfhd: sample offsets count from the moof's first byte, not from the end of the previous fragment.
    private static final int DEFAULT_BASE_IS_MOOF = 0x020000;
    // trun: data-offset, sample-duration, sample-size and sample-flags present.
    private static final int TRUN_FLAGS = 0x000001 | 0x000100 | 0x000200 | 0x000400;
    // sample_depends_on 2: depends on no other sample.
    private static final int KEYFRAME = 0x02000000;
    // sample_depends_on 1 and sample_is_non_sync_sample: a player must not start or seek here.
    private static final int NOT_KEYFRAME = 0x01010000;

    // moof with one sample: moof 8 + mfhd 16 + traf (8 + tfhd 16 + tfdt 20 + trun 32).
    private static final int MOOF_SIZE = 100;
    private static final int BOX_HEADER = 8;

    private static final int[] UNITY_MATRIX = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

    private Fmp4() {
    }

    /**
     * The init segment: ftyp and a moov describing one avc1 track with no samples of its own (they
     * come in fragments, announced by mvex).
     *
     * @param sps       the sequence parameter set NAL unit, from its header byte, without start code
     * @param pps       the picture parameter set NAL unit, likewise
     * @param timescale units per second of the times and durations in {@link #fragment}
     */
    public static byte[] init(int width, int height, byte[] sps, byte[] pps, int timescale) {
        if (width < 1 || width > 0xffff || height < 1 || height > 0xffff) {
            throw new IllegalArgumentException("width and height must be 1 to 65535, not " + width + "x" + height);
        }
        if (sps.length < 4 || (sps[0] & 0x1f) != AnnexB.SPS) {
            throw new IllegalArgumentException("not an SPS NAL unit (type 7, at least 4 bytes)");
        }
        if (pps.length < 2 || (pps[0] & 0x1f) != AnnexB.PPS) {
            throw new IllegalArgumentException("not a PPS NAL unit (type 8)");
        }
        if (sps.length > 0xffff || pps.length > 0xffff) {
            throw new IllegalArgumentException("an SPS or PPS over 65535 bytes does not fit avcC");
        }
        if (timescale < 1) {
            throw new IllegalArgumentException("timescale must be positive, not " + timescale);
        }
        // Built once per stream: room enough for the fixed boxes, trimmed to size at the end.
        ByteBuffer b = ByteBuffer.allocate(1024 + sps.length + pps.length);
        ftyp(b);
        moov(b, width, height, sps, pps, timescale);
        return Arrays.copyOf(b.array(), b.position());
    }

    /**
     * {@code init} with its sample entry marked {@code avc3} rather than {@code avc1}: the parameter sets
     * also travel in the stream, before each keyframe, so that a player takes new ones (another size,
     * another encoder) in the middle of the stream instead of needing a new init segment.
     */
    public static byte[] inBandInit(byte[] init) {
        byte[] copy = init.clone();
        int stsd = indexOf(copy, "stsd", 0);
        int entry = stsd < 0 ? -1 : indexOf(copy, "avc1", stsd);
        if (entry < 0) {
            throw new IllegalArgumentException("not an init segment with an avc1 sample entry");
        }
        copy[entry + 3] = '3';
        return copy;
    }

    private static int indexOf(byte[] b, String fourcc, int from) {
        for (int i = from; i + 4 <= b.length; i++) {
            if (b[i] == fourcc.charAt(0) && b[i + 1] == fourcc.charAt(1) && b[i + 2] == fourcc.charAt(2)
                    && b[i + 3] == fourcc.charAt(3)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * One frame as a fragment: moof, then mdat holding {@code sample[offset, offset + length)}, an
     * AVCC sample ({@link AnnexB#toAvcc}). Built in one array of the final size, as it is made once
     * per frame and sent to every viewer.
     *
     * @param sequenceNumber       1 for the first fragment of a stream, then one more for each
     * @param baseMediaDecodeTime  the frame's decode time, in the timescale of {@link #init}
     * @param duration             how long the frame shows, in the same timescale
     */
    public static byte[] fragment(long sequenceNumber, long baseMediaDecodeTime, int duration, boolean keyframe,
                                  byte[] sample, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, sample.length);
        if (sequenceNumber < 0 || sequenceNumber > 0xffffffffL) {
            throw new IllegalArgumentException("sequence number must fit 32 unsigned bits, not " + sequenceNumber);
        }
        if (baseMediaDecodeTime < 0 || duration < 0) {
            throw new IllegalArgumentException("decode time and duration must not be negative");
        }
        if (length > Integer.MAX_VALUE - MOOF_SIZE - BOX_HEADER) {
            throw new IllegalArgumentException("a sample of " + length + " bytes is too large for one array");
        }
        ByteBuffer b = ByteBuffer.allocate(MOOF_SIZE + BOX_HEADER + length);
        moof(b, sequenceNumber, baseMediaDecodeTime, duration, keyframe, length);
        mdat(b, sample, offset, length);
        if (b.hasRemaining()) {
            throw new IllegalStateException("fragment is " + b.position() + " bytes, expected " + b.capacity());
        }
        return b.array();
    }

    // --- init segment ---

    private static void ftyp(ByteBuffer b) {
        int at = box(b, "ftyp");
        fourcc(b, "iso5");
        b.putInt(0); // minor_version
        fourcc(b, "iso5");
        fourcc(b, "iso6");
        fourcc(b, "mp41");
        fourcc(b, "avc1");
        end(b, at);
    }

    private static void moov(ByteBuffer b, int width, int height, byte[] sps, byte[] pps, int timescale) {
        int at = box(b, "moov");
        mvhd(b, timescale);
        trak(b, width, height, sps, pps, timescale);
        mvex(b);
        end(b, at);
    }

    private static void mvhd(ByteBuffer b, int timescale) {
        int at = fullBox(b, "mvhd", 0, 0);
        b.putInt(0); // creation_time
        b.putInt(0); // modification_time
        b.putInt(timescale);
        b.putInt(0); // duration: unknown, the fragments are live
        b.putInt(0x00010000); // rate 1.0
        b.putShort((short) 0x0100); // volume 1.0
        zeros(b, 2 + 8);
        matrix(b);
        zeros(b, 24); // pre_defined
        b.putInt(TRACK + 1); // next_track_ID
        end(b, at);
    }

    private static void trak(ByteBuffer b, int width, int height, byte[] sps, byte[] pps, int timescale) {
        int at = box(b, "trak");
        tkhd(b, width, height);
        mdia(b, width, height, sps, pps, timescale);
        end(b, at);
    }

    private static void tkhd(ByteBuffer b, int width, int height) {
        int at = fullBox(b, "tkhd", 0, 0x000001 | 0x000002); // track_enabled | track_in_movie
        b.putInt(0); // creation_time
        b.putInt(0); // modification_time
        b.putInt(TRACK);
        b.putInt(0); // reserved
        b.putInt(0); // duration
        zeros(b, 8);
        b.putShort((short) 0); // layer
        b.putShort((short) 0); // alternate_group
        b.putShort((short) 0); // volume: 0 for video
        zeros(b, 2);
        matrix(b);
        b.putInt(width << 16); // 16.16 fixed point
        b.putInt(height << 16);
        end(b, at);
    }

    private static void mdia(ByteBuffer b, int width, int height, byte[] sps, byte[] pps, int timescale) {
        int at = box(b, "mdia");
        mdhd(b, timescale);
        hdlr(b);
        minf(b, width, height, sps, pps);
        end(b, at);
    }

    private static void mdhd(ByteBuffer b, int timescale) {
        int at = fullBox(b, "mdhd", 0, 0);
        b.putInt(0); // creation_time
        b.putInt(0); // modification_time
        b.putInt(timescale);
        b.putInt(0); // duration
        // ISO 639-2 "und", three letters of 5 bits each (letter - 0x60).
        b.putShort((short) (('u' - 0x60) << 10 | ('n' - 0x60) << 5 | ('d' - 0x60)));
        b.putShort((short) 0); // pre_defined
        end(b, at);
    }

    private static void hdlr(ByteBuffer b) {
        int at = fullBox(b, "hdlr", 0, 0);
        b.putInt(0); // pre_defined
        fourcc(b, "vide");
        zeros(b, 12);
        b.put("VideoHandler\0".getBytes(StandardCharsets.US_ASCII));
        end(b, at);
    }

    private static void minf(ByteBuffer b, int width, int height, byte[] sps, byte[] pps) {
        int at = box(b, "minf");
        vmhd(b);
        dinf(b);
        stbl(b, width, height, sps, pps);
        end(b, at);
    }

    private static void vmhd(ByteBuffer b) {
        int at = fullBox(b, "vmhd", 0, 1); // flags 1, as the standard requires
        b.putShort((short) 0); // graphicsmode: copy
        zeros(b, 6); // opcolor
        end(b, at);
    }

    private static void dinf(ByteBuffer b) {
        int at = box(b, "dinf");
        dref(b);
        end(b, at);
    }

    private static void dref(ByteBuffer b) {
        int at = fullBox(b, "dref", 0, 0);
        b.putInt(1); // entry_count
        url(b);
        end(b, at);
    }

    private static void url(ByteBuffer b) {
        // Flag 1: the media is in this same file, so the box carries no location.
        end(b, fullBox(b, "url ", 0, 1));
    }

    private static void stbl(ByteBuffer b, int width, int height, byte[] sps, byte[] pps) {
        int at = box(b, "stbl");
        stsd(b, width, height, sps, pps);
        // The sample tables are empty: every sample is described by a trun in its fragment.
        emptyTable(b, "stts");
        emptyTable(b, "stsc");
        stsz(b);
        emptyTable(b, "stco");
        end(b, at);
    }

    private static void stsd(ByteBuffer b, int width, int height, byte[] sps, byte[] pps) {
        int at = fullBox(b, "stsd", 0, 0);
        b.putInt(1); // entry_count
        avc1(b, width, height, sps, pps);
        end(b, at);
    }

    private static void avc1(ByteBuffer b, int width, int height, byte[] sps, byte[] pps) {
        int at = box(b, "avc1");
        zeros(b, 6); // SampleEntry reserved
        b.putShort((short) 1); // data_reference_index: the url box above
        zeros(b, 16); // pre_defined, reserved, pre_defined
        b.putShort((short) width);
        b.putShort((short) height);
        b.putInt(0x00480000); // horizresolution 72 dpi
        b.putInt(0x00480000); // vertresolution 72 dpi
        b.putInt(0); // reserved
        b.putShort((short) 1); // frame_count
        zeros(b, 32); // compressorname: empty
        b.putShort((short) 0x0018); // depth: colour, no alpha
        b.putShort((short) -1); // pre_defined
        avcC(b, sps, pps);
        end(b, at);
    }

    /**
     * The decoder configuration (ISO/IEC 14496-15 5.3.3.1). Profile, compatibility flags and level
     * are bytes 1 to 3 of the SPS. The extra fields for High profiles (chroma format, bit depth) are
     * left out: decoders read them from the SPS itself.
     */
    private static void avcC(ByteBuffer b, byte[] sps, byte[] pps) {
        int at = box(b, "avcC");
        b.put((byte) 1); // configurationVersion
        b.put(sps[1]); // AVCProfileIndication
        b.put(sps[2]); // profile_compatibility
        b.put(sps[3]); // AVCLevelIndication
        b.put((byte) (0xfc | 3)); // reserved bits, lengthSizeMinusOne 3: 4-byte NAL lengths
        b.put((byte) (0xe0 | 1)); // reserved bits, one SPS
        b.putShort((short) sps.length);
        b.put(sps);
        b.put((byte) 1); // one PPS
        b.putShort((short) pps.length);
        b.put(pps);
        end(b, at);
    }

    private static void emptyTable(ByteBuffer b, String type) {
        int at = fullBox(b, type, 0, 0);
        b.putInt(0); // entry_count
        end(b, at);
    }

    private static void stsz(ByteBuffer b) {
        int at = fullBox(b, "stsz", 0, 0);
        b.putInt(0); // sample_size: each sample has its own
        b.putInt(0); // sample_count
        end(b, at);
    }

    private static void mvex(ByteBuffer b) {
        int at = box(b, "mvex");
        trex(b);
        end(b, at);
    }

    private static void trex(ByteBuffer b) {
        int at = fullBox(b, "trex", 0, 0);
        b.putInt(TRACK);
        b.putInt(1); // default_sample_description_index: the avc1 entry
        b.putInt(0); // default_sample_duration
        b.putInt(0); // default_sample_size
        b.putInt(0); // default_sample_flags
        end(b, at);
    }

    // --- fragment ---

    private static void moof(ByteBuffer b, long sequenceNumber, long time, int duration, boolean keyframe,
                             int length) {
        int at = box(b, "moof");
        mfhd(b, sequenceNumber);
        int dataOffset = traf(b, time, duration, keyframe, length);
        end(b, at);
        // The sample is the first byte of mdat's payload, counted from the moof's first byte.
        b.putInt(dataOffset, b.position() - at + BOX_HEADER);
    }

    private static void mfhd(ByteBuffer b, long sequenceNumber) {
        int at = fullBox(b, "mfhd", 0, 0);
        b.putInt((int) sequenceNumber);
        end(b, at);
    }

    /** Returns where trun's data_offset is, to be filled in once the moof's size is known. */
    private static int traf(ByteBuffer b, long time, int duration, boolean keyframe, int length) {
        int at = box(b, "traf");
        tfhd(b);
        tfdt(b, time);
        int dataOffset = trun(b, duration, keyframe, length);
        end(b, at);
        return dataOffset;
    }

    private static void tfhd(ByteBuffer b) {
        int at = fullBox(b, "tfhd", 0, DEFAULT_BASE_IS_MOOF);
        b.putInt(TRACK);
        end(b, at);
    }

    private static void tfdt(ByteBuffer b, long time) {
        int at = fullBox(b, "tfdt", 1, 0); // version 1: a 64-bit time, for streams that run for days
        b.putLong(time);
        end(b, at);
    }

    private static int trun(ByteBuffer b, int duration, boolean keyframe, int length) {
        int at = fullBox(b, "trun", 0, TRUN_FLAGS);
        b.putInt(1); // sample_count
        int dataOffset = b.position();
        b.putInt(0);
        b.putInt(duration);
        b.putInt(length);
        b.putInt(keyframe ? KEYFRAME : NOT_KEYFRAME);
        end(b, at);
        return dataOffset;
    }

    private static void mdat(ByteBuffer b, byte[] sample, int offset, int length) {
        int at = box(b, "mdat");
        b.put(sample, offset, length);
        end(b, at);
    }

    // Where fragment() puts trun and its one sample's duration: its moof has one layout.
    private static final int TRUN_AT = 68;
    private static final int TRUN_DURATION = TRUN_AT + 20;

    /** How long the one sample of a fragment {@link #fragment} wrote lasts, in its track's timescale. */
    public static int fragmentDuration(byte[] fragment) {
        if (fragment.length < MOOF_SIZE || !"trun".equals(new String(fragment, TRUN_AT + 4, 4, StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("not a fragment written by Fmp4.fragment");
        }
        return ByteBuffer.wrap(fragment).getInt(TRUN_DURATION);
    }

    // --- box framing ---

    /** Starts a box: its size (filled in by {@link #end}) and type. Returns where it starts. */
    private static int box(ByteBuffer b, String type) {
        int at = b.position();
        b.putInt(0);
        fourcc(b, type);
        return at;
    }

    /** Starts a box with a version byte and 24 bits of flags. */
    private static int fullBox(ByteBuffer b, String type, int version, int flags) {
        int at = box(b, type);
        b.putInt(version << 24 | flags);
        return at;
    }

    private static void end(ByteBuffer b, int at) {
        b.putInt(at, b.position() - at);
    }

    private static void fourcc(ByteBuffer b, String code) {
        for (int i = 0; i < 4; i++) {
            b.put((byte) code.charAt(i));
        }
    }

    private static void matrix(ByteBuffer b) {
        for (int v : UNITY_MATRIX) {
            b.putInt(v);
        }
    }

    /** Skips n bytes, which are zero: every buffer here is freshly allocated and written once, front to back. */
    private static void zeros(ByteBuffer b, int n) {
        b.position(b.position() + n);
    }
}
