package camstream.video;

/**
 * The picture size an H.264 sequence parameter set declares (H.264 7.3.2.1.1): what a camera's
 * stream, passed through untouched, is described with in its MP4 init segment.
 */
public final class H264Sps {

    private H264Sps() {
    }

    /**
     * The width and height of the pictures, after cropping, packed as {@code width << 32 | height}.
     *
     * @param sps the SPS NAL unit, from its header byte, with its emulation prevention bytes
     * @throws IllegalArgumentException when it is not an SPS or ends too early
     */
    public static long size(byte[] sps) {
        if (sps.length < 4 || (sps[0] & 0x1f) != AnnexB.SPS) {
            throw new IllegalArgumentException("not a sequence parameter set");
        }
        Bits b = new Bits(sps);
        int profile = b.bits(8);
        b.bits(16); // constraint flags, level_idc
        b.ue(); // seq_parameter_set_id
        int chroma = 1;
        if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83
                || profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139
                || profile == 134 || profile == 135) {
            chroma = b.ue();
            if (chroma == 3) {
                b.bits(1); // separate_colour_plane_flag
            }
            b.ue(); // bit_depth_luma_minus8
            b.ue(); // bit_depth_chroma_minus8
            b.bits(1); // qpprime_y_zero_transform_bypass_flag
            if (b.bits(1) == 1) { // seq_scaling_matrix_present_flag
                for (int i = 0; i < (chroma != 3 ? 8 : 12); i++) {
                    if (b.bits(1) == 1) {
                        skipScalingList(b, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        b.ue(); // log2_max_frame_num_minus4
        int pocType = b.ue();
        if (pocType == 0) {
            b.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pocType == 1) {
            b.bits(1);
            b.se();
            b.se();
            int cycle = b.ue();
            for (int i = 0; i < cycle; i++) {
                b.se();
            }
        }
        b.ue(); // max_num_ref_frames
        b.bits(1); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = b.ue() + 1;
        int heightUnits = b.ue() + 1;
        int frameMbsOnly = b.bits(1);
        if (frameMbsOnly == 0) {
            b.bits(1); // mb_adaptive_frame_field_flag
        }
        b.bits(1); // direct_8x8_inference_flag
        int width = widthMbs * 16;
        int height = (2 - frameMbsOnly) * heightUnits * 16;
        if (b.bits(1) == 1) { // frame_cropping_flag
            int cropX = chroma == 1 || chroma == 2 ? 2 : 1;
            int cropY = (chroma == 1 ? 2 : 1) * (2 - frameMbsOnly);
            width -= cropX * (b.ue() + b.ue());
            height -= cropY * (b.ue() + b.ue());
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("a sequence parameter set of " + width + "x" + height + " pictures");
        }
        return (long) width << 32 | height;
    }

    private static void skipScalingList(Bits b, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + b.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }

    /** Reads the bits after the header byte, skipping emulation prevention bytes ({@code 00 00 03}). */
    private static final class Bits {
        private final byte[] data;
        private int at = 1;
        private int bit;
        private int zeros;

        Bits(byte[] data) {
            this.data = data;
        }

        int bits(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                if (bit == 0 && zeros >= 2 && at < data.length && data[at] == 3) {
                    at++;
                    zeros = 0;
                }
                if (at >= data.length) {
                    throw new IllegalArgumentException("the sequence parameter set ends too early");
                }
                int b = data[at] & 0xff;
                v = v << 1 | (b >> (7 - bit)) & 1;
                if (++bit == 8) {
                    bit = 0;
                    zeros = b == 0 ? zeros + 1 : 0;
                    at++;
                }
            }
            return v;
        }

        int ue() {
            int leading = 0;
            while (bits(1) == 0) {
                if (++leading > 31) {
                    throw new IllegalArgumentException("a sequence parameter set with a bad number");
                }
            }
            return (int) ((1L << leading) - 1 + (leading == 0 ? 0 : bits(leading) & 0xffffffffL));
        }

        int se() {
            int k = ue();
            return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
        }
    }
}
