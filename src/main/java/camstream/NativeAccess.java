package camstream;

import java.lang.reflect.Method;
import java.util.logging.Logger;

/**
 * Java 24 and later warn when code in a module without native access loads a native library, and
 * say that a future release will refuse: OpenCV and JNA (libjpeg-turbo) load theirs from this
 * webapp's class loader, an unnamed module. Tomcat 11's {@code catalina.sh} enables native access
 * for all unnamed modules; Tomcat 10.1's and Jetty's start scripts do not. Checked before the first
 * library loads, so that the log says in words what to add rather than leave it to the JDK's warning.
 */
final class NativeAccess {

    private static final Logger LOG = Logger.getLogger(NativeAccess.class.getName());
    /** The JVM option that lets camstream load its native libraries without a warning. */
    static final String OPTION = "--enable-native-access=ALL-UNNAMED";

    private NativeAccess() {
    }

    /** Whether the JVM lets this webapp's code load native libraries quietly: always before Java 24. */
    static boolean enabled() {
        if (Runtime.version().feature() < 24) {
            return true;
        }
        try {
            // Module.isNativeAccessEnabled() exists from Java 22; camstream is built for 17.
            Method m = Module.class.getMethod("isNativeAccessEnabled");
            return (Boolean) m.invoke(NativeAccess.class.getModule());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // cannot tell: say nothing rather than something wrong
        }
    }

    /** Logs once per start, when native access is off, what to add to the container's JVM options. */
    static void check() {
        if (enabled()) {
            return;
        }
        LOG.warning(() -> "Java " + Runtime.version().feature() + " has not enabled native access for camstream:"
                + " it warns when OpenCV and libjpeg-turbo load, and says a future Java will refuse them. Add " + OPTION
                + " to the JVM options (Jetty: on the java command line before -jar start.jar, or after --exec in"
                + " start.d/jvm.ini; Tomcat 10.1: CATALINA_OPTS in bin/setenv.sh; Tomcat 11 adds it already)");
    }
}
