package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import camstream.camera.Lease;
import camstream.stream.Broadcaster;
import jakarta.servlet.ServletContext;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /socket}: one WebSocket over which a page watches any set of cameras. The page sends text
 * requests, {@code watch front,back} (the whole set it wants now; {@code watch} alone pauses them
 * all; {@code front?width=320&fps=5} asks for a camera with a stream URL's options); camstream
 * sends each picture as a binary {@link camstream.stream.SocketMessage}. Registered by
 * {@link #register} when the container has WebSocket; this class is loaded only then.
 */
public final class SocketEndpoint extends Endpoint {

    public static final String PATH = "/socket";

    private static final Logger LOG = Logger.getLogger(SocketEndpoint.class.getName());
    /** A connection that neither sends nor receives for this long is closed by the container (no pictures, no requests). */
    private static final long IDLE_MILLIS = TimeUnit.MINUTES.toMillis(5);
    /** Tomcat: how long a close frame may wait to be sent, instead of its 20 s; Jetty sends it without waiting. */
    private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    private static final long CLOSE_WAIT_MILLIS = 1000;
    private static final String ORIGIN = "camstream.origin";
    private static final String WATCH = "watch";

    private final Camstream app;
    private final SocketHub hub;
    private SocketViewer viewer;
    /** The upgrade request came from a user the container logged in. */
    private boolean loggedIn;
    /** The {@code ?token=} of the socket's URL, for cameras that have an access token; null without one. */
    private String token;

    private SocketEndpoint(Camstream app, SocketHub hub) {
        this.app = app;
        this.hub = hub;
    }

    /** Adds the endpoint to the container's WebSocket server; called while the webapp starts. */
    static void register(ServletContext ctx, Camstream app, SocketHub hub) throws DeploymentException {
        ServerContainer container = (ServerContainer) ctx.getAttribute(ServerContainer.class.getName());
        container.addEndpoint(ServerEndpointConfig.Builder.create(SocketEndpoint.class, PATH)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(new SocketEndpoint(app, hub));
                    }

                    /**
                     * No permessage-deflate, which browsers offer and both containers would accept: a JPEG does
                     * not shrink, and deflating would cost every connection its own pass over every picture.
                     */
                    @Override
                    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
                        return List.of();
                    }

                    /** Both containers hand each handshake its own copy of the config's user properties. */
                    @Override
                    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
                        String origin = header(request.getHeaders(), "Origin");
                        if (origin != null) {
                            sec.getUserProperties().put(ORIGIN, origin);
                        }
                    }
                }).build());
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        String client = "socket-" + session.getId();
        if (app.stopped()) {
            closeQuietly(session, new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "camstream is stopping"));
            return;
        }
        Object origin = session.getUserProperties().get(ORIGIN);
        if (origin != null && !sameHost(origin.toString(), session.getRequestURI())) {
            // A page of another site may not read the pictures (a browser sends its Origin; WebSockets have no CORS).
            LOG.fine(() -> client + " refused: Origin " + origin + " is not " + session.getRequestURI().getAuthority());
            closeQuietly(session, new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "cross-origin request refused"));
            return;
        }
        loggedIn = session.getUserPrincipal() != null;
        List<String> tokens = session.getRequestParameterMap().get("token");
        token = tokens == null || tokens.isEmpty() ? null : tokens.get(0);
        session.setMaxIdleTimeout(IDLE_MILLIS);
        session.setMaxTextMessageBufferSize(64 * 1024);
        session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, CLOSE_WAIT_MILLIS);
        viewer = new SocketViewer(client, new SessionSender(session),
                TimeUnit.SECONDS.toNanos(app.settings().stallTimeoutSeconds()), hub);
        hub.add(viewer);
        LOG.fine(() -> "Socket " + client + " connected; " + hub.connections() + " sockets open");
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::onText);
    }

    private void onText(String text) {
        String t = text.strip();
        if (!t.equals(WATCH) && !t.startsWith(WATCH + " ")) {
            viewer.close("unknown request: " + Requests.printable(t));
            return;
        }
        List<SocketViewer.Target> targets = new ArrayList<>();
        for (String entry : t.substring(WATCH.length()).split(",")) {
            String e = entry.strip();
            int q = e.indexOf('?');
            String cam = q < 0 ? e : e.substring(0, q);
            String query = q < 0 ? "" : e.substring(q + 1);
            if (cam.isEmpty()) {
                continue;
            }
            Camera camera = app.camera(cam);
            if (camera == null) {
                LOG.fine(() -> "Socket asked for an unknown camera: " + Requests.printable(cam));
                continue;
            }
            if (!allowed(camera)) {
                LOG.fine(() -> "Socket asked for camera '" + cam + "' without its access token or a login");
                continue;
            }
            ViewerOptions options;
            try {
                options = ViewerOptions.parse(query);
            } catch (ViewerOptions.Invalid invalid) {
                viewer.close(cam + ": " + invalid.getMessage());
                return;
            }
            // Keyed by the options themselves: the same ones in another order are the same subscription.
            targets.add(new SocketViewer.Target(camera.id(), options.query(), options.fps(),
                    new CameraAdmit(camera, options)));
        }
        viewer.watch(targets);
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        if (viewer != null) {
            viewer.close("closed: " + reason.getCloseCode() + (reason.getReasonPhrase() == null
                    || reason.getReasonPhrase().isEmpty() ? "" : " " + reason.getReasonPhrase()));
        }
    }

    @Override
    public void onError(Session session, Throwable t) {
        if (viewer != null) {
            viewer.close("connection error: " + t.getClass().getSimpleName());
        }
    }

    /** The rule of the multipart stream: a camera with an access token needs it ({@code /socket?token=}) or a login. */
    private boolean allowed(Camera camera) {
        String expected = app.settings().access().camera(camera.id()).token();
        return expected == null || loggedIn || (token != null && Requests.sameSecret(token, expected));
    }

    /** Whether an {@code Origin} such as {@code http://host:8080} names the host and port the request was sent to. */
    static boolean sameHost(String origin, URI request) {
        try {
            URI o = URI.create(origin.strip());
            return o.getHost() != null && request.getHost() != null
                    && o.getHost().equalsIgnoreCase(request.getHost()) && port(o) == port(request);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    private static void closeQuietly(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing a socket failed", e);
        }
    }

    /** A camera's viewer limits, and a lease on the variant asked for while the subscription lasts. */
    private final class CameraAdmit implements SocketViewer.Admit {
        private final Camera camera;
        private final ViewerOptions options;
        private Lease lease;

        CameraAdmit(Camera camera, ViewerOptions options) {
            this.camera = camera;
            this.options = options;
        }

        @Override
        public String admit() {
            String refused = app.admission().admit(camera.id());
            if (refused != null) {
                return refused;
            }
            lease = camera.lease(options.variant());
            if (lease == null) {
                app.admission().release(camera.id());
                return Requests.noVariant(camera);
            }
            return null;
        }

        @Override
        public Broadcaster broadcaster() {
            return lease.broadcaster();
        }

        @Override
        public void release() {
            lease.release();
            app.admission().release(camera.id());
        }
    }

    /** Sends through the session's asynchronous remote; the only blocking call is Tomcat's close, bounded above. */
    private static final class SessionSender implements SocketViewer.Sender {
        private final Session session;
        private final RemoteEndpoint.Async remote;

        SessionSender(Session session) {
            this.session = session;
            this.remote = session.getAsyncRemote();
        }

        @Override
        public void send(ByteBuffer message, Consumer<Throwable> done) {
            remote.sendBinary(message, result -> done.accept(result.isOK() ? null : result.getException()));
        }

        @Override
        public void close(String why, boolean inFlight) {
            if (inFlight) {
                // The close frame would queue behind a message the client does not take: Tomcat would wait for it
                // (here: not at all), Jetty until its idle timeout (here: at once). Both then drop the connection.
                session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, 0L);
                try {
                    session.setMaxIdleTimeout(1);
                } catch (IllegalStateException e) {
                    // already closed
                }
            }
            String reason = why == null ? "" : why;
            // A close reason is at most 123 bytes.
            closeQuietly(session, new CloseReason(CloseReason.CloseCodes.GOING_AWAY,
                    reason.length() > 100 ? reason.substring(0, 100) : reason));
        }
    }
}
