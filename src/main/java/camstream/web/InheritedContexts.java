package camstream.web;

import java.lang.reflect.Field;
import java.security.AccessControlContext;
import java.security.AccessController;
import java.security.DomainCombiner;
import java.security.PrivilegedAction;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * Takes this webapp's classes out of the access control context that each live thread inherited from
 * the thread that created it (Java 17 keeps one per thread; Java 25 no longer does).
 *
 * <p>Tomcat creates a request thread on whichever thread hands it work while its pool is busy: a
 * camstream thread sending a WebSocket frame, a send's completion running on a request thread, the
 * listener ending the streams at stop. The new thread keeps the creator's context, which names
 * camstream's ProtectionDomains and through them its class loader, and passes it on to the threads
 * it creates in turn, its own replacement included: a deployment stayed reachable for as long as
 * Tomcat ran. Jetty creates its threads in a privileged block; Tomcat does so only under a
 * SecurityManager, and without one the context is never consulted.
 */
final class InheritedContexts {

    private static final Logger LOG = Logger.getLogger(InheritedContexts.class.getName());

    private InheritedContexts() {
    }

    /** At stop, once camstream's own threads have ended: no thread keeps a domain of {@code webapp}'s classes. */
    @SuppressWarnings("removal")
    static void forget(ClassLoader webapp) {
        if (System.getSecurityManager() != null) {
            return;
        }
        Field inherited;
        try {
            inherited = Thread.class.getDeclaredField("inheritedAccessControlContext");
            inherited.setAccessible(true);
        } catch (NoSuchFieldException e) {
            return;
        } catch (RuntimeException e) {
            // java.lang not opened to the webapp: Tomcat's catalina.sh opens it (--add-opens=java.base/java.lang=ALL-UNNAMED).
            LOG.fine(() -> "Cannot clear the threads' inherited access control contexts: " + e);
            return;
        }
        int cleared = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            try {
                AccessControlContext context = (AccessControlContext) inherited.get(t);
                if (context == null) {
                    continue;
                }
                ProtectionDomain[] all = domains(context);
                ProtectionDomain[] kept = Arrays.stream(all).filter(d -> !loadedBy(d, webapp)).toArray(ProtectionDomain[]::new);
                if (kept.length < all.length) {
                    inherited.set(t, new AccessControlContext(kept));
                    cleared++;
                }
            } catch (IllegalAccessException e) {
                LOG.fine(() -> "Cannot clear the inherited access control context of " + t.getName() + ": " + e);
            }
        }
        int n = cleared;
        LOG.fine(() -> "Took camstream's classes out of the inherited access control context of " + n + " threads");
    }

    /** The domains of a context, as a combiner is handed them: the JDK has no other public way to read them. */
    @SuppressWarnings("removal")
    private static ProtectionDomain[] domains(AccessControlContext context) {
        ProtectionDomain[][] seen = {new ProtectionDomain[0]};
        DomainCombiner reader = (current, assigned) -> {
            if (assigned != null) {
                seen[0] = assigned.clone();
            }
            return current;
        };
        AccessController.doPrivileged((PrivilegedAction<Void>) () -> {
            AccessController.getContext();
            return null;
        }, new AccessControlContext(context, reader));
        return seen[0];
    }

    private static boolean loadedBy(ProtectionDomain domain, ClassLoader webapp) {
        for (ClassLoader l = domain.getClassLoader(); l != null; l = l.getParent()) {
            if (l == webapp) {
                return true;
            }
        }
        return false;
    }
}
