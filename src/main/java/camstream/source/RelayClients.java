package camstream.source;

import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JDK HttpClient(s) of this webapp's http sources: one per connect timeout in use (usually one),
 * made when the first relay opens, sharing two named threads that parse what upstreams send. Each
 * relay camera holds at most one connection of its own (a stream occupies it). {@link #release}
 * at shutdown stops and joins those threads.
 */
public final class RelayClients {

    private static final Logger LOG = Logger.getLogger(RelayClients.class.getName());
    private static final int THREADS = 2;

    private static final Map<Integer, HttpClient> clients = new HashMap<>();
    private static ThreadPoolExecutor executor;
    private static boolean released;

    private RelayClients() {
    }

    /** The client for upstreams with this connect timeout; throws IllegalStateException once released. */
    static synchronized HttpClient get(int connectTimeoutSeconds) {
        if (released) {
            throw new IllegalStateException("camstream is stopping");
        }
        if (executor == null) {
            AtomicInteger n = new AtomicInteger();
            // Queued tasks are bounded by the relays' demand: each asks for one buffer at a time.
            executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "camstream-relay-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return clients.computeIfAbsent(connectTimeoutSeconds, RelayClients::build);
    }

    private static HttpClient build(int connectTimeoutSeconds) {
        // The client starts its selector thread here, which inherits this thread's context class loader.
        // On Java 17 it cannot be stopped, only ends once the client is collected: it must not hold this webapp's.
        Thread current = Thread.currentThread();
        ClassLoader was = current.getContextClassLoader();
        current.setContextClassLoader(RelayClients.class.getClassLoader().getParent());
        try {
            return HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(connectTimeoutSeconds))
                    .executor(executor)
                    .build();
        } finally {
            current.setContextClassLoader(was);
        }
    }

    /** Stops the clients (on Java 21 and later) and joins the parsing threads; safe to call twice. */
    public static void release() throws InterruptedException {
        List<HttpClient> all;
        ExecutorService ex;
        synchronized (RelayClients.class) {
            released = true;
            all = new ArrayList<>(clients.values());
            clients.clear();
            ex = executor;
            executor = null;
        }
        for (HttpClient c : all) {
            shutdownNow(c);
        }
        if (ex != null) {
            ex.shutdownNow();
            if (!ex.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warning("The relay threads did not stop within 5 s");
            }
        }
    }

    /** HttpClient.shutdownNow() where the JDK has it (21+); on 17 the client ends once unreferenced. */
    private static void shutdownNow(HttpClient c) {
        try {
            Method m = HttpClient.class.getMethod("shutdownNow");
            m.invoke(c);
        } catch (NoSuchMethodException e) {
            // Java 17.
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "Stopping an HttpClient failed", e);
        }
    }
}
