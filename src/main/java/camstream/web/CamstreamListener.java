package camstream.web;

import camstream.Camstream;
import camstream.config.Settings;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import jakarta.servlet.HttpConstraintElement;
import jakarta.servlet.HttpMethodConstraintElement;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.ServletSecurityElement;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts camstream with the webapp and stops it, joining every thread, when the webapp stops. Logs the
 * URL to open it at; as a request listener, it gets that from the first request when the container
 * would not say.
 */
public final class CamstreamListener implements ServletContextListener, ServletRequestListener {

    private static final Logger LOG = Logger.getLogger(CamstreamListener.class.getName());

    /** Where the container keeps its WebSocket server (jakarta.websocket.server.ServerContainer), by name, unloaded. */
    private static final String SOCKET_CONTAINER = "jakarta.websocket.server.ServerContainer";

    private final ReadyLine ready = new ReadyLine();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        Settings settings = Settings.read(Settings.lookup(ctx::getInitParameter));
        String root = ctx.getRealPath("/");
        Camstream app = Camstream.start(settings, ServerAddress.label(ServerAddress.urls(ctx), ctx.getContextPath()),
                root == null ? null : java.nio.file.Path.of(root));
        ctx.setAttribute(Camstream.ATTRIBUTE, app);
        // Added here, not in web.xml: it is handed this instance's registry, and opened when the settings say so.
        ServletRegistration.Dynamic metrics = ctx.addServlet("metrics", new PrometheusMetricsServlet(app.registry()));
        metrics.addMapping("/metrics");
        if (settings.access().metricsOpen()) {
            // Exact /metrics constraints that let everyone in: they win over a /* constraint of a security descriptor.
            // Per method, as Tomcat adds no constraint for an element that permits everything to every method.
            metrics.setServletSecurity(new ServletSecurityElement(new HttpConstraintElement(),
                    List.of(new HttpMethodConstraintElement("GET"), new HttpMethodConstraintElement("HEAD"))));
        }
        Origins origins = new Origins(ServerAddress.connectors(ctx), settings.access().publicOrigins());
        ctx.setAttribute(Origins.ATTRIBUTE, origins);
        startSockets(ctx, app, origins);
        ctx.setAttribute(PlayerScript.ATTRIBUTE, PlayerScript.find(ctx));
        ctx.setAttribute(EventHub.ATTRIBUTE, new EventHub(app.cameras()));
        ready.started(ctx);
    }

    /**
     * Adds {@code /socket} when the container has WebSocket. Without it (Jetty without its
     * ee10-websocket-jakarta module) the page shows one multipart stream per camera instead; the
     * WebSocket classes are not even loaded then.
     */
    private static void startSockets(ServletContext ctx, Camstream app, Origins origins) {
        SocketHub hub = new SocketHub();
        hub.register(app.registry(), app.cameras());
        if (ctx.getAttribute(SOCKET_CONTAINER) == null) {
            LOG.warning("This container offers no WebSocket: the page falls back to one HLS stream per camera, or a"
                    + " multipart stream where the browser plays no HLS, and over HTTP/1.1 these share a browser's 6"
                    + " connections (on Jetty, add the module ee10-websocket-jakarta)");
            return;
        }
        try {
            SocketEndpoint.register(ctx, app, hub, origins);
            ctx.setAttribute(SocketHub.ATTRIBUTE, hub);
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "Could not add the WebSocket endpoint " + SocketEndpoint.PATH
                    + "; the page falls back to one HTTP stream per camera", e);
        }
    }

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        ready.request(event.getServletRequest(), event.getServletContext().getContextPath());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        Camstream app = (Camstream) ctx.getAttribute(Camstream.ATTRIBUTE);
        ctx.removeAttribute(Camstream.ATTRIBUTE);
        ctx.removeAttribute(Origins.ATTRIBUTE);
        ctx.removeAttribute(PlayerScript.ATTRIBUTE);
        SocketHub hub = (SocketHub) ctx.getAttribute(SocketHub.ATTRIBUTE);
        ctx.removeAttribute(SocketHub.ATTRIBUTE);
        if (hub != null) {
            hub.closeAll("server stopping");
        }
        EventHub events = (EventHub) ctx.getAttribute(EventHub.ATTRIBUTE);
        ctx.removeAttribute(EventHub.ATTRIBUTE);
        try {
            if (events != null) {
                events.stop("server stopping");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (app != null) {
            try {
                app.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.log(Level.WARNING, "Interrupted while stopping camstream", e);
            }
        }
        // Last: the streams ended above may have made Tomcat add request threads.
        InheritedContexts.forget(CamstreamListener.class.getClassLoader());
    }
}
