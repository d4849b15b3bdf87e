package camstream.encode;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * H.264 (Constrained Baseline) for one stream through the system's OpenH264, one access unit per
 * picture, in Annex B form (start codes before each NAL unit). Every IDR picture carries its SPS and
 * PPS, so a viewer can start at any keyframe. Frame skipping is off, as in FFmpeg's wrapper: a busy
 * scene costs bits, not frames, so the bitrate is a target the rate control may overshoot (OpenH264
 * warns that it cannot hold it without skipping).
 *
 * <p>Not thread-safe: one thread at a time, including {@link #close}.
 *
 * <p>The picture is converted to I420 in BT.601 limited range (OpenCV's coefficients); the stream says
 * so in its VUI, since decoders guess BT.709 for HD sizes otherwise. Each chroma sample is the average
 * of the four pixels it covers: OpenCV's own BGR to I420 takes the top-left pixel's colour alone,
 * which aliases fine colour detail (a clip's colour PSNR stayed near 28 dB at any bitrate).
 */
public final class H264Encoder implements AutoCloseable {

    /**
     * What the stream may use. Constrained Baseline decodes everywhere (every browser, every hardware
     * decoder); Main adds CABAC, a few percent to a tenth fewer bytes at the same quality, for players
     * that all take Main (every browser today does).
     */
    public enum Profile {
        BASELINE(OpenH264.PRO_BASELINE, 0), MAIN(OpenH264.PRO_MAIN, 1);

        final int idc;
        final int entropyCoding;

        Profile(int idc, int entropyCoding) {
            this.idc = idc;
            this.entropyCoding = entropyCoding;
        }
    }

    /** One encoded picture: its NAL units with start codes, and whether it is an IDR picture. */
    public record Encoded(byte[] annexB, boolean keyframe) {
    }

    private final int width;
    private final int height;
    private final OpenH264.Functions lib;
    private final Memory source;
    private final Memory output;
    private final Mat i420;
    /** The picture at half size, each pixel the average of four, in YCrCb, and one chroma channel of it. */
    private final Mat half = new Mat();
    private final Mat halfYcc = new Mat();
    private final Mat chroma = new Mat();
    private final Function encodeFrame;
    private final Function forceIntraFrame;
    private final Function uninitialize;
    private Pointer encoder;

    /**
     * @param fps           the camera's frame rate, 1 to 60 (OpenH264's limits)
     * @param bitrate       the target in bit/s
     * @param keyframeEvery an IDR picture every this many pictures
     * @throws IllegalArgumentException for an odd or empty size or a setting out of range
     * @throws IllegalStateException    when OpenH264 refuses to make or set up the encoder
     * @throws UnsatisfiedLinkError     when libopenh264 (Debian package libopenh264-7) is not installed
     */
    public H264Encoder(int width, int height, double fps, int bitrate, int keyframeEvery) {
        this(width, height, fps, bitrate, keyframeEvery, Profile.BASELINE);
    }

    /** As {@link #H264Encoder(int, int, double, int, int)}, in {@code profile}. */
    public H264Encoder(int width, int height, double fps, int bitrate, int keyframeEvery, Profile profile) {
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("H.264 needs a positive, even width and height (4:2:0), not "
                    + width + "x" + height);
        }
        if (!(fps >= 1 && fps <= 60)) {
            throw new IllegalArgumentException("OpenH264 takes 1 to 60 frames/s, not " + fps);
        }
        if (bitrate <= 0) {
            throw new IllegalArgumentException("the bitrate must be positive, not " + bitrate);
        }
        if (keyframeEvery < 1) {
            throw new IllegalArgumentException("the keyframe interval must be at least 1 picture, not " + keyframeEvery);
        }
        this.width = width;
        this.height = height;
        lib = OpenH264.functions();
        source = new Memory(OpenH264.SOURCE_PICTURE_SIZE);
        output = new Memory(OpenH264.FRAME_BS_INFO_SIZE);
        i420 = new Mat();
        PointerByReference ref = new PointerByReference();
        int rc = lib.WelsCreateSVCEncoder(ref);
        if (rc != 0 || ref.getValue() == null) {
            release();
            throw new IllegalStateException("WelsCreateSVCEncoder failed with " + rc);
        }
        Pointer e = ref.getValue();
        encodeFrame = OpenH264.method(e, OpenH264.ENCODE_FRAME);
        forceIntraFrame = OpenH264.method(e, OpenH264.FORCE_INTRA_FRAME);
        uninitialize = OpenH264.method(e, OpenH264.UNINITIALIZE);
        try (Memory param = new Memory(OpenH264.PARAM_EXT_SIZE); Memory level = new Memory(4)) {
            // Errors only on stderr: a trace callback would need a libffi closure, the per-deployment leak JNA's interfaces avoid.
            level.setInt(0, OpenH264.WELS_LOG_ERROR);
            call(e, OpenH264.SET_OPTION, "SetOption(TRACE_LEVEL)", OpenH264.ENCODER_OPTION_TRACE_LEVEL, level);
            call(e, OpenH264.GET_DEFAULT_PARAMS, "GetDefaultParams", param);
            fill(param, fps, bitrate, keyframeEvery, profile);
            call(e, OpenH264.INITIALIZE_EXT, "InitializeExt for " + width + "x" + height + " at " + fps + " frames/s, "
                    + bitrate + " bit/s", param);
        } catch (RuntimeException ex) {
            lib.WelsDestroySVCEncoder(e);
            release();
            throw ex;
        }
        encoder = e;
        source.clear();
        source.setInt(OpenH264.S_COLOR_FORMAT, OpenH264.VIDEO_FORMAT_I420);
        source.setInt(OpenH264.S_STRIDE, width);
        source.setInt(OpenH264.S_STRIDE + 4, width / 2);
        source.setInt(OpenH264.S_STRIDE + 8, width / 2);
        source.setInt(OpenH264.S_PIC_WIDTH, width);
        source.setInt(OpenH264.S_PIC_HEIGHT, height);
    }

    /** Fills the parameters OpenH264's defaults leave to the application. */
    private void fill(Memory p, double fps, int bitrate, int keyframeEvery, Profile profile) {
        p.setInt(OpenH264.P_USAGE_TYPE, OpenH264.CAMERA_VIDEO_REAL_TIME);
        p.setInt(OpenH264.P_PIC_WIDTH, width);
        p.setInt(OpenH264.P_PIC_HEIGHT, height);
        p.setInt(OpenH264.P_TARGET_BITRATE, bitrate);
        p.setInt(OpenH264.P_RC_MODE, OpenH264.RC_BITRATE_MODE);
        p.setFloat(OpenH264.P_MAX_FRAME_RATE, (float) fps);
        p.setInt(OpenH264.P_TEMPORAL_LAYER_NUM, 1);
        p.setInt(OpenH264.P_SPATIAL_LAYER_NUM, 1);
        p.setInt(OpenH264.P_INTRA_PERIOD, keyframeEvery);
        // The same SPS/PPS ids at every IDR: a viewer joining at any keyframe needs nothing from before it.
        p.setInt(OpenH264.P_SPS_PPS_ID_STRATEGY, OpenH264.CONSTANT_ID);
        p.setInt(OpenH264.P_ENTROPY_CODING_MODE, profile.entropyCoding); // Baseline has no CABAC
        p.setByte(OpenH264.P_ENABLE_FRAME_SKIP, (byte) 0);
        // One thread: OpenH264's own threads would compete with the other cameras' encoders for the same cores.
        p.setShort(OpenH264.P_MULTIPLE_THREAD_IDC, (short) 1);
        long l = OpenH264.P_SPATIAL_LAYER_0;
        p.setInt(l + OpenH264.L_VIDEO_WIDTH, width);
        p.setInt(l + OpenH264.L_VIDEO_HEIGHT, height);
        p.setFloat(l + OpenH264.L_FRAME_RATE, (float) fps);
        p.setInt(l + OpenH264.L_SPATIAL_BITRATE, bitrate);
        p.setInt(l + OpenH264.L_PROFILE_IDC, profile.idc);
        p.setInt(l + OpenH264.L_SLICE_MODE, OpenH264.SM_SINGLE_SLICE);
        p.setByte(l + OpenH264.L_SIGNAL_TYPE_PRESENT, (byte) 1);
        p.setByte(l + OpenH264.L_VIDEO_FORMAT, (byte) OpenH264.VF_UNDEF);
        p.setByte(l + OpenH264.L_FULL_RANGE, (byte) 0);
        p.setByte(l + OpenH264.L_COLOR_DESCRIPTION_PRESENT, (byte) 1);
        // Cameras deliver sRGB (BT.709 primaries); the matrix is the BT.601 one cvtColor used.
        p.setByte(l + OpenH264.L_COLOR_PRIMARIES, (byte) OpenH264.CP_BT709);
        p.setByte(l + OpenH264.L_TRANSFER, (byte) OpenH264.TRC_BT709);
        p.setByte(l + OpenH264.L_COLOR_MATRIX, (byte) OpenH264.CM_SMPTE170M);
    }

    /**
     * Encodes one picture.
     *
     * @param bgr             a {@code CV_8UC3} picture of the encoder's size
     * @param timestampMillis the capture time, increasing; the rate control reads it
     * @return the access unit, or {@code null} when the encoder skipped the picture
     */
    public Encoded encode(Mat bgr, long timestampMillis) {
        if (encoder == null) {
            throw new IllegalStateException("encoder is closed");
        }
        if (bgr.type() != CvType.CV_8UC3 || bgr.cols() != width || bgr.rows() != height) {
            throw new IllegalArgumentException("this encoder takes " + width + "x" + height + " CV_8UC3 pictures, not "
                    + bgr.cols() + "x" + bgr.rows() + " " + CvType.typeToString(bgr.type()));
        }
        // One Mat of height * 3/2 rows: the Y plane, then U, then V, each without padding.
        Imgproc.cvtColor(bgr, i420, Imgproc.COLOR_BGR2YUV_I420);
        averageChroma(bgr);
        return encodeConverted(timestampMillis);
    }

    /**
     * Replaces the U and V planes of {@link #i420} with the average colour of each 2x2 block of {@code bgr}:
     * the half-size picture's full-range Cb and Cr (JPEG's, which OpenCV converts fast), scaled to limited
     * range (224/255 about 128), which is BT.601's U and V to within a level.
     */
    private void averageChroma(Mat bgr) {
        Imgproc.resize(bgr, half, new Size(width / 2.0, height / 2.0), 0, 0, Imgproc.INTER_AREA);
        Imgproc.cvtColor(half, halfYcc, Imgproc.COLOR_BGR2YCrCb);
        // U then V follow Y in one continuous Mat: views of them as half-size planes are written in place.
        int plane = width * height / 4;
        Mat row = i420.reshape(1, 1);
        Mat u = row.colRange(width * height, width * height + plane);
        Mat v = row.colRange(width * height + plane, width * height + 2 * plane);
        Mat uPlane = u.reshape(1, height / 2);
        Mat vPlane = v.reshape(1, height / 2);
        try {
            limitedRange(2, uPlane); // Cb
            limitedRange(1, vPlane); // Cr
        } finally {
            for (Mat m : new Mat[] {uPlane, vPlane, u, v, row}) {
                m.release();
            }
        }
    }

    /** Channel {@code channel} of {@link #halfYcc}, from full to limited range, into {@code plane}. */
    private void limitedRange(int channel, Mat plane) {
        Core.extractChannel(halfYcc, chroma, channel);
        double scale = 224.0 / 255;
        chroma.convertTo(plane, CvType.CV_8U, scale, 128 * (1 - scale));
    }

    /**
     * Encodes the last picture again, from the copy converted for {@link #encode}: a keep-alive when the
     * camera sends nothing new, which costs a few bytes (nothing changed) and no conversion.
     *
     * @throws IllegalStateException when nothing was encoded yet
     */
    public Encoded encodeAgain(long timestampMillis) {
        if (encoder == null) {
            throw new IllegalStateException("encoder is closed");
        }
        if (i420.empty()) {
            throw new IllegalStateException("no picture was encoded yet");
        }
        return encodeConverted(timestampMillis);
    }

    private Encoded encodeConverted(long timestampMillis) {
        long y = i420.dataAddr();
        long u = y + (long) width * height;
        source.setPointer(OpenH264.S_DATA, new Pointer(y));
        source.setPointer(OpenH264.S_DATA + Native.POINTER_SIZE, new Pointer(u));
        source.setPointer(OpenH264.S_DATA + 2L * Native.POINTER_SIZE, new Pointer(u + (long) width * height / 4));
        source.setLong(OpenH264.S_TIMESTAMP, timestampMillis);
        call(encodeFrame, "EncodeFrame", encoder, source, output);
        int type = output.getInt(OpenH264.F_FRAME_TYPE);
        if (type == OpenH264.FRAME_TYPE_SKIP) {
            return null;
        }
        if (type != OpenH264.FRAME_TYPE_IDR && type != OpenH264.FRAME_TYPE_I && type != OpenH264.FRAME_TYPE_P) {
            throw new IllegalStateException("EncodeFrame returned a picture of type " + type);
        }
        return new Encoded(collect(), type == OpenH264.FRAME_TYPE_IDR);
    }

    /** Copies every NAL unit of every layer, in order, into one array. */
    private byte[] collect() {
        int layers = output.getInt(OpenH264.F_LAYER_NUM);
        int total = output.getInt(OpenH264.F_FRAME_SIZE);
        if (layers < 0 || layers > OpenH264.MAX_LAYERS || total <= 0) {
            throw new IllegalStateException("EncodeFrame returned " + layers + " layers of " + total + " bytes");
        }
        byte[] out = new byte[total];
        int pos = 0;
        for (int i = 0; i < layers; i++) {
            long layer = OpenH264.F_LAYERS + (long) i * OpenH264.LAYER_BS_INFO_SIZE;
            int nals = output.getInt(layer + OpenH264.B_NAL_COUNT);
            int size = 0;
            for (int n : output.getPointer(layer + OpenH264.B_NAL_LENGTHS).getIntArray(0, nals)) {
                size += n;
            }
            // A mismatch here would mean the struct layout is not the library's.
            if (size < 0 || size > total - pos) {
                throw new IllegalStateException("EncodeFrame's layer " + i + " holds " + size
                        + " bytes, more than the frame's " + total);
            }
            output.getPointer(layer + OpenH264.B_BS_BUF).read(0, out, pos, size);
            pos += size;
        }
        if (pos != total) {
            throw new IllegalStateException("EncodeFrame's layers hold " + pos + " bytes, the frame " + total);
        }
        return out;
    }

    /** Makes the next picture an IDR picture, with SPS and PPS, e.g. for a viewer that just joined. */
    public void requestKeyframe() {
        if (encoder == null) {
            throw new IllegalStateException("encoder is closed");
        }
        // The C++ method has a second parameter, iLayerId, that the C header leaves out; -1 means all layers.
        call(forceIntraFrame, "ForceIntraFrame", encoder, Boolean.TRUE, -1);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Frees the encoder; later calls do nothing. */
    @Override
    public void close() {
        Pointer e = encoder;
        if (e == null) {
            return;
        }
        encoder = null;
        try {
            call(uninitialize, "Uninitialize", e);
        } finally {
            lib.WelsDestroySVCEncoder(e);
            release();
        }
    }

    private void release() {
        i420.release();
        half.release();
        halfYcc.release();
        chroma.release();
        source.close();
        output.close();
    }

    private static void call(Pointer encoder, int index, String name, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = encoder;
        System.arraycopy(args, 0, all, 1, args.length);
        call(OpenH264.method(encoder, index), name, all);
    }

    private static void call(Function f, String name, Object... args) {
        int rc = f.invokeInt(args);
        if (rc != 0) {
            throw new IllegalStateException("OpenH264 " + name + " failed with " + rc + " (" + result(rc) + ")");
        }
    }

    /** OpenH264's {@code CM_RETURN} names. */
    private static String result(int rc) {
        return switch (rc) {
            case 1 -> "cmInitParaError: invalid parameters";
            case 2 -> "cmUnknownReason";
            case 3 -> "cmMallocMemeError: out of memory";
            case 4 -> "cmInitExpected: not initialised";
            case 5 -> "cmUnsupportedData";
            default -> "unknown code";
        };
    }
}
