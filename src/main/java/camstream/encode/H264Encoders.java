package camstream.encode;

import java.util.logging.Logger;

/** Finds out once at start whether H.264 can be encoded here, and says so in one log line. */
public final class H264Encoders {

    private static final Logger LOG = Logger.getLogger(H264Encoders.class.getName());

    private H264Encoders() {
    }

    /**
     * Loads OpenH264 from {@code library} and makes one small encoder to be sure it works. Returns null
     * when H.264 can be encoded, else why not, in one line that says what to install.
     *
     * @param library a file name or path, e.g. {@code libopenh264.so.7}; null: H.264 is turned off
     */
    public static String probe(String library) {
        if (library == null) {
            LOG.info("H.264: off (camstream.h264=off); pages show JPEG pictures");
            return "H.264 is turned off (camstream.h264=off)";
        }
        try {
            String file = OpenH264.load(library);
            new H264Encoder(64, 64, 30, 100_000, 30).close();
            LOG.info("H.264 encoder: OpenH264 from " + file + " (via JNA)");
            return null;
        } catch (LinkageError | RuntimeException e) {
            String why = "OpenH264 (" + library + ") did not load: " + JpegEncoders.oneLine(e)
                    + "; install the package libopenh264-7 (Debian/Ubuntu) or set camstream.openh264Library";
            LOG.info("H.264 is off: " + why + "; pages show JPEG pictures");
            return why;
        }
    }
}
