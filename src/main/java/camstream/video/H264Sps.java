package camstream.video;

/**
 * The picture size an H.264 sequence parameter set declares (H.264 7.3.2.1.1): what a camera's
 * stream, passed through untouched, is described with in its MP4 init segment.
 */
public final class H264Sps {

    private H264Sps() {
    }

    /**
     * Whether a coded slice is a B slice (slice_type 1 or 6): pictures that refer to later ones, which
     * a stream passed through in decoding order without presentation times would show out of order.
     *
     * @param slice a slice NAL unit (type 1 or 5), from its header byte
     */
    public static boolean isBSlice(byte[] slice) {
        try {
            BitReader b = new BitReader(slice);
            b.ue(); // first_mb_in_slice
            return b.ue() % 5 == 1;
        } catch (IllegalArgumentException e) {
            return false;
        }
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
        BitReader b = new BitReader(sps);
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

    private static void skipScalingList(BitReader b, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + b.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }
}
