package camstream.encode;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Picks the JPEG encoder once at start and says which in one log line. */
public final class JpegEncoders {

    private static final Logger LOG = Logger.getLogger(JpegEncoders.class.getName());

    /** Values of the {@code camstream.encoder} setting. */
    public static final String AUTO = "auto";
    public static final String TURBOJPEG = "turbojpeg";
    public static final String OPENCV = "opencv";

    private JpegEncoders() {
    }

    public static boolean validMode(String mode) {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case AUTO, TURBOJPEG, OPENCV -> true;
            default -> false;
        };
    }

    /** The encoder for {@code mode}, trying the default TurboJPEG library names. */
    public static Supplier<JpegEncoder> choose(String mode) {
        return choose(mode, TurboJpeg.DEFAULT_NAMES);
    }

    /**
     * TurboJPEG when asked or on {@code auto} and one of {@code libraryNames} loads; OpenCV's
     * {@code imencode} otherwise. Never fails: a missing library only costs speed.
     */
    public static Supplier<JpegEncoder> choose(String mode, String... libraryNames) {
        String m = mode == null ? AUTO : mode.toLowerCase(Locale.ROOT);
        if (OPENCV.equals(m)) {
            LOG.info("JPEG encoder: OpenCV imencode (camstream.encoder=opencv)");
            return OpenCvJpegEncoder::new;
        }
        String file;
        try {
            file = TurboJpeg.load(libraryNames);
            // A library that loads but cannot make a compressor is as good as missing.
            new TurboJpegEncoder().close();
        } catch (LinkageError | RuntimeException e) {
            Level level = TURBOJPEG.equals(m) ? Level.WARNING : Level.INFO;
            LOG.log(level, "JPEG encoder: OpenCV imencode, because TurboJPEG (" + String.join(" or ", libraryNames)
                    + ") did not load: " + oneLine(e) + "; install the package libturbojpeg0 (Debian/Ubuntu)"
                    + " or libjpeg-turbo for encoding about five times faster");
            return OpenCvJpegEncoder::new;
        }
        LOG.info("JPEG encoder: TurboJPEG from " + file + " (libjpeg-turbo with SIMD, via JNA)");
        return JpegEncoders::turboOrOpenCv;
    }

    private static JpegEncoder turboOrOpenCv() {
        try {
            return new TurboJpegEncoder();
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.warning("TurboJPEG could not make a compressor (" + oneLine(e) + "); this camera uses OpenCV imencode");
            return new OpenCvJpegEncoder();
        }
    }

    /** Whether the system's TurboJPEG is loaded and encodes the pictures. */
    public static boolean turboJpegLoaded() {
        return TurboJpeg.loaded();
    }

    /**
     * Releases the native libraries bound through JNA (TurboJPEG, OpenH264) and JNA's helper thread.
     * Call after every camera stopped and every encoder closed, when the application stops, so that
     * nothing of this deployment stays behind in the container.
     */
    public static void release() throws InterruptedException {
        boolean jnaUsed = TurboJpeg.loaded() || OpenH264.loaded();
        OpenH264.unload();
        TurboJpeg.unload();
        if (jnaUsed) {
            Jna.release();
        }
    }

    /** JNA's message lists every path it tried, one per line; the log line stays one line. */
    static String oneLine(Throwable e) {
        String s = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim();
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
