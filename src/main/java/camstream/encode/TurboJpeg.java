package camstream.encode;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Map;

/**
 * The system's TurboJPEG library ({@code libturbojpeg.so.0}, Debian package {@code libturbojpeg0})
 * bound through a JNA interface. Loaded at most once per class loader, i.e. once per deployment, and
 * unloaded by {@link #unload} when the webapp stops ({@link JpegEncoders#release}).
 *
 * <p>Not JNA's direct mapping ({@code Native.register}): that makes a libffi closure per method, and
 * libffi keeps the file it maps closures from open for the life of the process; each deployment
 * loads its own copy of JNA's dispatch library, so each redeploy left one descriptor and one mapping
 * of a deleted {@code ffi*} file behind. An interface call costs a few microseconds more, against an
 * encode of milliseconds.
 */
final class TurboJpeg {

    /** The names tried in order: Debian/Ubuntu's runtime package ships only the versioned file. */
    static final String[] DEFAULT_NAMES = {"libturbojpeg.so.0", "turbojpeg"};

    static final int TJPF_BGR = 1;
    static final int TJPF_BGRX = 3;
    static final int TJPF_GRAY = 6;
    static final int TJSAMP_420 = 2;
    static final int TJSAMP_GRAY = 3;
    static final int TJFLAG_NOREALLOC = 1024;

    /** TurboJPEG's functions that camstream calls. */
    public interface Functions extends Library {
        Pointer tjInitCompress();

        int tjCompress2(Pointer handle, Pointer srcBuf, int width, int pitch, int height, int pixelFormat,
                        Pointer jpegBuf, Pointer jpegSize, int jpegSubsamp, int jpegQual, int flags);

        NativeLong tjBufSize(int width, int height, int jpegSubsamp);

        Pointer tjAlloc(int bytes);

        void tjFree(Pointer buffer);

        int tjDestroy(Pointer handle);

        String tjGetErrorStr2(Pointer handle);
    }

    private static volatile Functions tj;
    private static NativeLibrary library;
    private static String loadedName;

    private TurboJpeg() {
    }

    /** The loaded library's functions; {@link #load} must have succeeded. */
    static Functions tj() {
        Functions f = tj;
        if (f == null) {
            throw new IllegalStateException("TurboJPEG is not loaded");
        }
        return f;
    }

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
                Functions f = Native.load(name, Functions.class,
                        Map.of(Library.OPTION_CLASSLOADER, TurboJpeg.class.getClassLoader()));
                NativeLibrary lib = ((Library.Handler) Proxy.getInvocationHandler(f)).getNativeLibrary();
                if (library != null && library != lib) {
                    // Before looking anything up: "c" is the whole process, where the old library's symbols live.
                    tj = null;
                    library.close();
                    library = null;
                    loadedName = null;
                }
                try {
                    // A library without a function camstream calls fails here, not at the first encode.
                    lib.getFunction("tjInitCompress");
                    lib.getFunction("tjCompress2");
                    lib.getFunction("tjGetErrorStr2");
                } catch (LinkageError e) {
                    lib.close();
                    throw e;
                }
                library = lib;
                tj = f;
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

    /** Unbinds and closes the library. Every encoder must be closed before; {@link Jna#release} comes after. */
    static synchronized void unload() {
        if (library == null) {
            return;
        }
        tj = null;
        library.close();
        library = null;
        loadedName = null;
    }

    private static String describe(NativeLibrary lib) {
        return lib.getFile() != null ? lib.getFile().getPath() : lib.getName();
    }
}
