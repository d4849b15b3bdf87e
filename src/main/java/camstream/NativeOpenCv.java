package camstream;

import org.opencv.core.Core;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads OpenCV's native library into the class loader that holds OpenCV's classes, since only there
 * do their native methods find it. Two layouts:
 * <ul>
 * <li>OpenCV in the WAR (the default): the library is loaded into this webapp's class loader. Unlike
 * {@code nu.pattern.OpenCV.loadLocally()} this registers no shutdown hook (which would pin the
 * webapp's class loader after undeploy) and leaves no copy of the 65 MB library behind: the extracted
 * file is deleted as soon as it is loaded. Every deployment gets its own copy, so a redeployed webapp
 * loads it again without "already loaded in another classloader".</li>
 * <li>OpenCV in the container's {@code lib/} (several camstream WARs in one container): the classes
 * come from the container's class loader, which outlives every webapp, so the library is loaded there,
 * once per JVM, by {@code nu.pattern.OpenCV.loadShared()}: its {@code System.loadLibrary} finds the
 * library on {@code java.library.path}. Later deployments and redeploys find it loaded.
 * {@code loadLocally()} would work too, but its shutdown hook would be created under this webapp and
 * pin its class loader for good, so the library has to be on {@code java.library.path}.</li>
 * </ul>
 */
public final class NativeOpenCv {

    private static final Logger LOG = Logger.getLogger(NativeOpenCv.class.getName());
    private static boolean loaded;

    private NativeOpenCv() {
    }

    /**
     * Loads the library unless it is loaded already. Returns null, or why it did not load in one line:
     * missing from the WAR, built for another platform, not on {@code java.library.path}, or refused by
     * the JVM. camstream then runs without it ({@link Camstream#start} says what that costs).
     */
    public static synchronized String load() {
        if (loaded) {
            return null;
        }
        try {
            if (Core.class.getClassLoader() != NativeOpenCv.class.getClassLoader()) {
                loadShared();
            } else {
                loadFromWar();
            }
        } catch (IllegalStateException | LinkageError e) {
            LOG.log(Level.FINE, "OpenCV did not load", e);
            return String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getName());
        }
        loaded = true;
        return null;
    }

    private static void loadShared() {
        String file = System.mapLibraryName(Core.NATIVE_LIBRARY_NAME);
        List<Path> dirs = libraryPath(System.getProperty("java.library.path", ""));
        if (dirs.stream().noneMatch(d -> Files.isRegularFile(d.resolve(file)))) {
            throw new IllegalStateException(missingSharedLibrary(file, dirs));
        }
        nu.pattern.OpenCV.loadShared();
        LOG.fine(() -> "OpenCV's classes come from the container's class loader; loaded " + file + " from java.library.path");
    }

    /** Why a shared OpenCV cannot be used, and how to fix it: the log shows this when camstream does not start. */
    private static String missingSharedLibrary(String file, List<Path> dirs) {
        return "OpenCV's classes come from the container's lib/, so its native library must be on java.library.path:"
                + " copy " + file + " into one of " + dirs + ", or add its folder with -Djava.library.path=DIR"
                + " (README: OpenCV in the container's lib/)";
    }

    private static List<Path> libraryPath(String property) {
        List<Path> dirs = new ArrayList<>();
        for (String s : property.split(File.pathSeparator)) {
            if (!s.isBlank()) {
                try {
                    dirs.add(Path.of(s));
                } catch (InvalidPathException e) {
                    // not a folder System.loadLibrary could use either
                }
            }
        }
        return dirs;
    }

    private static void loadFromWar() {
        String resource = resourceName();
        if (resource == null) {
            nu.pattern.OpenCV.loadLocally();
            return;
        }
        Path tmp = null;
        try (InputStream in = NativeOpenCv.class.getResourceAsStream(resource)) {
            if (in == null) {
                String platform = resource.substring("/nu/pattern/opencv/".length(), resource.lastIndexOf('/'));
                throw new IllegalStateException("OpenCV native library for " + platform + " is missing from the WAR;"
                        + " it was built for another platform (README: -Dcamstream.platform)");
            }
            tmp = Files.createTempFile("camstream-opencv", ".so");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            System.load(tmp.toString());
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
        return arch == null ? null : "/nu/pattern/opencv/linux/" + arch + "/" + System.mapLibraryName(Core.NATIVE_LIBRARY_NAME);
    }
}
