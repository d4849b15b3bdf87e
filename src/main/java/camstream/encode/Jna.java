package camstream.encode;

import com.sun.jna.Native;

import java.lang.reflect.Method;
import java.util.logging.Logger;

/**
 * The end of JNA's life in this deployment, for the libraries bound through it (TurboJPEG, OpenH264).
 * Runs once, after every one of them is closed: JNA's disposal closes every library and frees every
 * {@code Memory} it still knows, so running it for one library would pull the other from under its
 * users.
 */
final class Jna {

    private static final Logger LOG = Logger.getLogger(Jna.class.getName());

    private Jna() {
    }

    /**
     * If JNA belongs to this deployment, disposes of JNA's state and stops its cleaner thread. The
     * cleaner would end by itself 30 s after its last registration went away; a container checks for
     * leftover threads sooner than that. Only call it when a library was loaded through JNA: it
     * initialises JNA, which loads JNA's own native library.
     */
    static void release() throws InterruptedException {
        if (Native.class.getClassLoader() == Jna.class.getClassLoader()) {
            // Else JNA is shared with the container or other webapps: its state and thread are not ours to end.
            disposeJna();
            stopJnaCleaner();
        }
    }

    private static void stopJnaCleaner() throws InterruptedException {
        ClassLoader jna = Native.class.getClassLoader();
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

    /**
     * Runs JNA's own disposal now, while this webapp's class loader still loads classes. JNA runs it
     * from a finalizer once its classes are unreachable, after the webapp stopped: Tomcat refuses the
     * class it then loads and logs a stack trace per redeploy. Done once here, it leaves that run
     * nothing to load.
     */
    private static void disposeJna() {
        try {
            Method dispose = Native.class.getDeclaredMethod("dispose");
            dispose.setAccessible(true);
            dispose.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.fine(() -> "Could not dispose of JNA at stop: " + e);
        }
    }
}
