package camstream.video;

/**
 * The two video codecs IP cameras send, as far as camstream needs to know them: the kinds of NAL
 * unit in their byte streams (H.264 7.4.1.2.3, H.265 7.4.2.4.4), to tell where a picture begins,
 * which pictures a decoder can start at, and which units describe the stream.
 */
public enum Codec {

    H264("H.264", 1, new byte[]{0, 0, 0, 1, 0x09, (byte) 0xf0}),
    H265("H.265", 2, new byte[]{0, 0, 0, 1, 0x46, 0x01, 0x50});

    private final String label;
    private final int headerBytes;
    private final byte[] aud;

    Codec(String label, int headerBytes, byte[] aud) {
        this.label = label;
        this.headerBytes = headerBytes;
        this.aud = aud;
    }

    /** The codec an ffmpeg stream line names ({@code h264}, {@code hevc}), or null for any other. */
    public static Codec ofFfmpeg(String name) {
        return switch (name) {
            case "h264" -> H264;
            case "hevc" -> H265;
            default -> null;
        };
    }

    public String label() {
        return label;
    }

    /** nal_unit_type of a NAL unit that starts at {@code nal[0]}. */
    public int type(byte[] nal) {
        return this == H264 ? nal[0] & 0x1f : (nal[0] >> 1) & 0x3f;
    }

    /** A coded slice of a picture. */
    public boolean isSlice(byte[] nal) {
        int t = type(nal);
        return this == H264 ? t >= 1 && t <= 5 : t <= 31;
    }

    /** A slice that begins a picture: its first bit after the header (first_mb_in_slice 0, first_slice_segment_in_pic_flag) is 1. */
    public boolean startsPicture(byte[] nal) {
        return isSlice(nal) && nal.length > headerBytes && (nal[headerBytes] & 0x80) != 0;
    }

    /** A unit that, once a picture's slices came, begins the next access unit: delimiter, parameter set, SEI. */
    public boolean startsUnit(byte[] nal) {
        int t = type(nal);
        return this == H264 ? t == AnnexB.AUD || t == AnnexB.SPS || t == AnnexB.PPS || t == AnnexB.SEI
                : t >= 32 && t <= 35 || t == 39;
    }

    /** A picture a decoder can start at: an IDR slice (H.264) or any intra random access point (H.265). */
    public boolean isKeyframe(byte[] nal) {
        int t = type(nal);
        return this == H264 ? t == AnnexB.IDR_SLICE : t >= 16 && t <= 23;
    }

    /** A sequence parameter set: a new one (another picture size) needs a decoder made anew. */
    public boolean isSps(byte[] nal) {
        return type(nal) == (this == H264 ? AnnexB.SPS : 33);
    }

    /** An access unit delimiter, which this codec's units need not carry: a decoder is fed one after each unit instead. */
    public boolean isDelimiter(byte[] nal) {
        return type(nal) == (this == H264 ? AnnexB.AUD : 35);
    }

    /** An access unit delimiter with its start code: written after a unit, it tells a decoder the unit is whole. */
    public byte[] delimiter() {
        return aud.clone();
    }
}
