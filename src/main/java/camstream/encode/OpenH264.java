package camstream.encode;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Map;

/**
 * Cisco's OpenH264 encoder ({@code libopenh264.so.7}, Debian package {@code libopenh264-7}) bound
 * through a JNA interface, like {@link TurboJpeg} and for the same reason: direct mapping would leave
 * one libffi file descriptor behind per redeploy. Loaded at most once per class loader, unloaded by
 * {@link #unload} when the webapp stops ({@link JpegEncoders#release}).
 *
 * <p>The encoder object is a C++ object: its first word points at a table of functions (the C view is
 * {@code ISVCEncoderVtbl} in {@code codec_api.h}); each takes the object as its first argument. The
 * table's functions are called through {@link Function}, which uses no libffi closure either.
 *
 * <p>Struct offsets and enum values below are those of OpenH264 2.3.1's {@code codec/api/wels/}
 * headers ({@code codec_api.h}, {@code codec_app_def.h}, {@code codec_def.h}) on x86-64 and other
 * LP64 systems, checked with {@code offsetof} against those headers. The headers are identical from
 * 2.3.0 to 2.5.0; 2.6.0 (soname 8) grows {@code SLayerBSInfo} and {@code SSourcePicture}, so
 * {@link #load} refuses versions outside 2.3 to 2.5.
 */
final class OpenH264 {

    /** The names tried in order: Debian/Ubuntu's runtime package ships only the versioned file. */
    static final String[] DEFAULT_NAMES = {"libopenh264.so.7"};

    // ISVCEncoderVtbl, in order.
    static final int INITIALIZE_EXT = 1;
    static final int GET_DEFAULT_PARAMS = 2;
    static final int UNINITIALIZE = 3;
    static final int ENCODE_FRAME = 4;
    static final int FORCE_INTRA_FRAME = 6;
    static final int SET_OPTION = 7;

    // SEncParamExt, 920 bytes.
    static final int PARAM_EXT_SIZE = 920;
    static final int P_USAGE_TYPE = 0;
    static final int P_PIC_WIDTH = 4;
    static final int P_PIC_HEIGHT = 8;
    static final int P_TARGET_BITRATE = 12;
    static final int P_RC_MODE = 16;
    static final int P_MAX_FRAME_RATE = 20; // float
    static final int P_TEMPORAL_LAYER_NUM = 24;
    static final int P_SPATIAL_LAYER_NUM = 28;
    static final int P_SPATIAL_LAYER_0 = 32; // SSpatialLayerConfig[4], 200 bytes each
    static final int P_INTRA_PERIOD = 836;
    static final int P_SPS_PPS_ID_STRATEGY = 844;
    static final int P_ENTROPY_CODING_MODE = 856;
    static final int P_ENABLE_FRAME_SKIP = 860; // bool
    static final int P_MULTIPLE_THREAD_IDC = 892; // unsigned short

    // SSpatialLayerConfig, relative to its start.
    static final int L_VIDEO_WIDTH = 0;
    static final int L_VIDEO_HEIGHT = 4;
    static final int L_FRAME_RATE = 8; // float
    static final int L_SPATIAL_BITRATE = 12;
    static final int L_PROFILE_IDC = 20;
    static final int L_SLICE_MODE = 32; // sSliceArgument.uiSliceMode
    static final int L_SIGNAL_TYPE_PRESENT = 184; // bool, then one byte each down to uiColorMatrix
    static final int L_VIDEO_FORMAT = 185;
    static final int L_FULL_RANGE = 186;
    static final int L_COLOR_DESCRIPTION_PRESENT = 187;
    static final int L_COLOR_PRIMARIES = 188;
    static final int L_TRANSFER = 189;
    static final int L_COLOR_MATRIX = 190;

    // SSourcePicture, 72 bytes.
    static final int SOURCE_PICTURE_SIZE = 72;
    static final int S_COLOR_FORMAT = 0;
    static final int S_STRIDE = 4; // int[4]
    static final int S_DATA = 24; // unsigned char*[4]
    static final int S_PIC_WIDTH = 56;
    static final int S_PIC_HEIGHT = 60;
    static final int S_TIMESTAMP = 64; // long long, milliseconds

    // SFrameBSInfo, 5144 bytes: iLayerNum, then SLayerBSInfo[128] of 40 bytes each from offset 8.
    static final int FRAME_BS_INFO_SIZE = 5144;
    static final int F_LAYER_NUM = 0;
    static final int F_LAYERS = 8;
    static final int LAYER_BS_INFO_SIZE = 40;
    static final int F_FRAME_TYPE = 5128;
    static final int F_FRAME_SIZE = 5132;
    static final int B_NAL_COUNT = 16;
    static final int B_NAL_LENGTHS = 24; // int*
    static final int B_BS_BUF = 32; // unsigned char*
    static final int MAX_LAYERS = 128;

    static final int CAMERA_VIDEO_REAL_TIME = 0;
    static final int RC_BITRATE_MODE = 1;
    static final int PRO_BASELINE = 66;
    static final int PRO_MAIN = 77;
    static final int SM_SINGLE_SLICE = 0;
    static final int CONSTANT_ID = 0;
    static final int VIDEO_FORMAT_I420 = 23;
    static final int VF_UNDEF = 5;
    static final int CP_BT709 = 1;
    static final int TRC_BT709 = 1;
    static final int CM_SMPTE170M = 6;
    static final int FRAME_TYPE_IDR = 1;
    static final int FRAME_TYPE_I = 2;
    static final int FRAME_TYPE_P = 3;
    static final int FRAME_TYPE_SKIP = 4;
    static final int ENCODER_OPTION_TRACE_LEVEL = 25;
    static final int WELS_LOG_ERROR = 1;

    /** OpenH264's exported C functions that camstream calls. */
    public interface Functions extends Library {
        int WelsCreateSVCEncoder(PointerByReference encoder);

        void WelsDestroySVCEncoder(Pointer encoder);

        /** Fills {@code OpenH264Version}: major, minor, revision, reserved. */
        void WelsGetCodecVersionEx(int[] version);
    }

    private static Functions functions;
    private static NativeLibrary library;
    private static String loadedName;
    private static String version;

    private OpenH264() {
    }

    /**
     * The loaded library's functions, loading {@link #DEFAULT_NAMES} first if none is loaded.
     *
     * @throws UnsatisfiedLinkError when none loads, saying which package to install
     */
    static synchronized Functions functions() {
        if (library == null) {
            try {
                load(DEFAULT_NAMES);
            } catch (LinkageError e) {
                UnsatisfiedLinkError missing = new UnsatisfiedLinkError("OpenH264 did not load; install the package"
                        + " libopenh264-7 (Debian/Ubuntu): " + e.getMessage());
                missing.initCause(e);
                throw missing;
            }
        }
        return functions;
    }

    /**
     * Loads the first of {@code names} that the dynamic linker finds and whose version has the struct
     * layouts above.
     *
     * @return the loaded file and its version, for a log line
     * @throws UnsatisfiedLinkError (or another {@link LinkageError}) when none loads
     */
    static synchronized String load(String... names) {
        if (library != null && Arrays.asList(names).contains(loadedName)) {
            return describe();
        }
        LinkageError failure = null;
        for (String name : names) {
            try {
                Functions f = Native.load(name, Functions.class,
                        Map.of(Library.OPTION_CLASSLOADER, OpenH264.class.getClassLoader()));
                NativeLibrary lib = ((Library.Handler) Proxy.getInvocationHandler(f)).getNativeLibrary();
                if (library != null && library != lib) {
                    functions = null;
                    library.close();
                    library = null;
                    loadedName = null;
                }
                String v;
                try {
                    lib.getFunction("WelsCreateSVCEncoder");
                    lib.getFunction("WelsDestroySVCEncoder");
                    int[] ver = new int[4];
                    f.WelsGetCodecVersionEx(ver);
                    v = ver[0] + "." + ver[1] + "." + ver[2];
                    if (ver[0] != 2 || ver[1] < 3 || ver[1] > 5) {
                        throw new UnsatisfiedLinkError(name + " is OpenH264 " + v
                                + ", but camstream knows the struct layouts of 2.3.0 to 2.5.x only");
                    }
                } catch (LinkageError e) {
                    lib.close();
                    throw e;
                }
                library = lib;
                functions = f;
                loadedName = name;
                version = v;
                return describe();
            } catch (LinkageError e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure != null ? failure : new UnsatisfiedLinkError("no OpenH264 library name given");
    }

    static synchronized boolean loaded() {
        return library != null;
    }

    /** Unbinds and closes the library. Every encoder must be closed before; {@link Jna#release} comes after. */
    static synchronized void unload() {
        if (library == null) {
            return;
        }
        functions = null;
        library.close();
        library = null;
        loadedName = null;
        version = null;
    }

    /** Entry {@code index} of the function table of the encoder object {@code encoder}. */
    static Function method(Pointer encoder, int index) {
        Pointer table = encoder.getPointer(0);
        return Function.getFunction(table.getPointer((long) index * Native.POINTER_SIZE));
    }

    private static String describe() {
        String file = library.getFile() != null ? library.getFile().getPath() : library.getName();
        return file + " (OpenH264 " + version + ")";
    }
}
