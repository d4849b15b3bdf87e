package camstream.encode;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.util.Arrays;
import java.util.logging.Logger;

/**
 * The system's TurboJPEG library ({@code libturbojpeg.so.0}, Debian package {@code libturbojpeg0})
 * bound through JNA direct mapping. Loaded at most once per class loader, i.e. once per deployment,
 * and unloaded by {@link #unload} when the webapp stops.
 */
final class TurboJpeg {

    private static final Logger LOG = Logger.getLogger(TurboJpeg.class.getName());

    /** The names tried in order: Debian/Ubuntu's runtime package ships only the versioned file. */
    static final String[] DEFAULT_NAMES = {"libturbojpeg.so.0", "turbojpeg"};

    static final int TJPF_BGR = 1;
    static final int TJPF_BGRX = 3;
    static final int TJPF_GRAY = 6;
    static final int TJSAMP_420 = 2;
    static final int TJSAMP_GRAY = 3;
    static final int TJFLAG_NOREALLOC = 1024;

    private static NativeLibrary library;
    private static String loadedName;

    private TurboJpeg() {
    }

    static native Pointer tjInitCompress();

    static native int tjCompress2(Pointer handle, Pointer srcBuf, int width, int pitch, int height, int pixelFormat,
            Pointer jpegBuf, Pointer jpegSize, int jpegSubsamp, int jpegQual, int flags);

    static native NativeLong tjBufSize(int width, int height, int jpegSubsamp);

    static native Pointer tjAlloc(int bytes);

    static native void tjFree(Pointer buffer);

    static native int tjDestroy(Pointer handle);

    static native String tjGetErrorStr2(Pointer handle);

    /**
     * Loads the first of {@code names} that the dynamic linker finds and binds the methods above to it.
     *
     * @return the loaded file, for the log line
     * @throws UnsatisfiedLinkError (or another {@link LinkageError}) when none loads or a function is missing
     */
    static synchronized String load(String... names) {
        if (library != null && Arrays.asList(names).contains(loadedName)) {
            return describe(library);
        }
        LinkageError failure = null;
        for (String name : names) {
            try {
                NativeLibrary lib = NativeLibrary.getInstance(name, TurboJpeg.class.getClassLoader());
                if (library != null) {
                    Native.unregister(TurboJpeg.class);
                    library.close();
                    library = null;
                }
                try {
                    Native.register(TurboJpeg.class, lib);
                } catch (LinkageError e) {
                    lib.close();
                    throw e;
                }
                library = lib;
                loadedName = name;
                return describe(lib);
            } catch (LinkageError e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure != null ? failure : new UnsatisfiedLinkError("no TurboJPEG library name given");
    }

    static synchronized boolean loaded() {
        return library != null;
    }

    /**
     * Unbinds and closes the library, then stops JNA's cleaner thread if JNA belongs to this
     * deployment. Every encoder must be closed before. The cleaner would end by itself 30 s after
     * its last registration went away; a container checks for leftover threads sooner than that.
     */
    static synchronized void unload() throws InterruptedException {
        if (library == null) {
            return;
        }
        Native.unregister(TurboJpeg.class);
        library.close();
        library = null;
        loadedName = null;
        stopJnaCleaner();
    }

    private static void stopJnaCleaner() throws InterruptedException {
        ClassLoader jna = Native.class.getClassLoader();
        if (jna != TurboJpeg.class.getClassLoader()) {
            return; // JNA is shared with the container or other webapps: its thread is not ours to stop.
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if ("JNA Cleaner".equals(t.getName()) && t.getClass().getClassLoader() == jna) {
                // JNA's CleanerThread ends when interrupted.
                t.interrupt();
                t.join(5_000);
                if (t.isAlive()) {
                    LOG.warning("JNA's cleaner thread did not stop within 5 s");
                }
            }
        }
    }

    private static String describe(NativeLibrary lib) {
        return lib.getFile() != null ? lib.getFile().getPath() : lib.getName();
    }
}
