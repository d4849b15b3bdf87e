package camstream.web;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The one line that tells where to open camstream: {@code camstream is ready: http://127.0.0.1:8080/camstream/},
 * the same on every container. Logged when the webapp has started if the container says where it
 * listens ({@link ServerAddress}), else with the first request, which does say.
 */
final class ReadyLine {

    static final String PREFIX = "camstream is ready: ";

    private static final Logger LOG = Logger.getLogger(ReadyLine.class.getName());

    /** True from a start without URLs until the first request has told them. */
    private final AtomicBoolean awaitingRequest = new AtomicBoolean();

    void started(ServletContext ctx) {
        started(ctx.getContextPath(), ServerAddress.urls(ctx));
    }

    void started(String contextPath, List<String> urls) {
        if (urls.isEmpty()) {
            awaitingRequest.set(true);
            LOG.info(() -> "camstream is running at context path " + path(contextPath)
                    + "; this container does not say where it listens, so the URL follows with the first request");
        } else {
            awaitingRequest.set(false);
            LOG.info(() -> PREFIX + String.join(" ", urls));
        }
    }

    /** Called for every request: one volatile read, unless the URL is still to be told. */
    void request(ServletRequest req, String contextPath) {
        if (awaitingRequest.get() && awaitingRequest.compareAndSet(true, false)) {
            LOG.info(() -> PREFIX + ServerAddress.url(req.getScheme(), req.getServerName(), req.getServerPort(), contextPath));
        }
    }

    private static String path(String contextPath) {
        return contextPath.isEmpty() ? "/" : contextPath + "/";
    }
}
