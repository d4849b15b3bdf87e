package camstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Loads OpenCV's native library into this webapp's class loader. Unlike
 * {@code nu.pattern.OpenCV.loadLocally()} it registers no shutdown hook (which would pin the
 * webapp's class loader after undeploy) and leaves no copy of the 65 MB library behind: the
 * extracted file is deleted as soon as it is loaded. Every deployment gets its own copy, so a
 * redeployed webapp loads it again without "already loaded in another classloader".
 */
public final class NativeOpenCv {

    private static final Logger LOG = Logger.getLogger(NativeOpenCv.class.getName());
    private static boolean loaded;

    private NativeOpenCv() {
    }

    public static synchronized void load() {
        if (loaded) {
            return;
        }
        String resource = resourceName();
        if (resource == null) {
            nu.pattern.OpenCV.loadLocally();
            loaded = true;
            return;
        }
        Path tmp = null;
        try (InputStream in = NativeOpenCv.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("OpenCV native library " + resource + " is missing from the WAR");
            }
            tmp = Files.createTempFile("camstream-opencv", ".so");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            System.load(tmp.toString());
            loaded = true;
            LOG.fine(() -> "Loaded OpenCV native library " + resource);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot extract the OpenCV native library: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warning("Cannot delete " + tmp + ": " + e.getMessage());
                }
            }
        }
    }

    private static String resourceName() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            return null;
        }
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "ARMv8";
            case "arm" -> "ARMv7";
            default -> null;
        };
        return arch == null ? null : "/nu/pattern/opencv/linux/" + arch + "/libopencv_java490.so";
    }
}
