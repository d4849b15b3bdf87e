package camstream.web;

import camstream.Camstream;
import camstream.config.CameraConfig;
import camstream.config.PageVideo;
import jakarta.servlet.ServletContext;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /socket}: one WebSocket over which a page watches any set of cameras. The page sends text
 * requests, {@code watch front,back} (the whole set it wants now; {@code watch} alone pauses them
 * all; {@code front?width=320&fps=5} asks for a camera with a stream URL's options), and
 * {@code video front,back}: the cameras it wants as H.264, which its browser plays through Media
 * Source Extensions (the whole set; applies from the next {@code watch}). camstream sends each picture
 * or H.264 frame as a binary {@link camstream.stream.SocketMessage}, as H.264 where the page asked and
 * {@code camstream.pageVideo} allows, and says why in a {@link Notice} when a camera asked for as H.264
 * comes as pictures. Registered by {@link #register} when the container has WebSocket; this class is
 * loaded only then.
 */
public final class SocketEndpoint extends Endpoint {

    public static final String PATH = "/socket";

    private static final Logger LOG = Logger.getLogger(SocketEndpoint.class.getName());
    /** A connection that neither sends nor receives for this long is closed by the container (no pictures, no requests). */
    private static final long IDLE_MILLIS = TimeUnit.MINUTES.toMillis(5);
    /** Tomcat: how long a close frame may wait to be sent, instead of its 20 s; Jetty sends it without waiting. */
    private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    private static final long CLOSE_WAIT_MILLIS = 1000;
    private static final String WATCH = "watch";
    private static final String VIDEO = "video";

    private final Camstream app;
    private final SocketHub hub;
    private SocketViewer viewer;
    /** Who opened the socket: its {@code ?token=} and login, for every camera it asks for. */
    private Gate.Caller caller;
    /** The cameras the page wants as H.264 ({@code video}); only camera ids, so at most one per camera. */
    private Set<String> video = Set.of();

    private SocketEndpoint(Camstream app, SocketHub hub) {
        this.app = app;
        this.hub = hub;
    }

    /** Adds the endpoint to the container's WebSocket server; called while the webapp starts. */
    static void register(ServletContext ctx, Camstream app, SocketHub hub, Origins origins) throws DeploymentException {
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

                    /** Asked before anything else of the handshake; false: the container answers 403. */
                    @Override
                    public boolean checkOrigin(String origin) {
                        return Gate.socketOrigin(origins, origin);
                    }
                }).build());
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        String client = "socket-" + session.getId();
        try {
            caller = Gate.socket(app, session);
        } catch (Refused r) {
            LOG.fine(() -> client + " refused: " + r.getMessage());
            closeQuietly(session, new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, r.getMessage()));
            return;
        }
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
        if (t.equals(VIDEO) || t.startsWith(VIDEO + " ")) {
            Set<String> wanted = new HashSet<>();
            for (String entry : t.substring(VIDEO.length()).split(",")) {
                if (app.camera(entry.strip()) != null) {
                    wanted.add(entry.strip());
                }
            }
            video = wanted;
            return;
        }
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
            Pass pass;
            try {
                pass = Gate.pass(app, cam, caller, () -> ViewerOptions.parse(query));
            } catch (Refused r) {
                if (r.reason() == Refused.Reason.BAD_OPTION) {
                    viewer.close(cam + ": " + r.getMessage());
                    return;
                }
                LOG.fine(() -> "A socket may not watch: " + r.getMessage());
                continue;
            }
            // Keyed by the options themselves: the same ones in another order are the same subscription.
            targets.add(target(pass, video.contains(pass.camera().id())));
        }
        viewer.watch(targets);
    }

    /**
     * The doors to one camera for this page. H.264 if the page asked for it ({@code asked}) and
     * {@code camstream.pageVideo} is not {@code jpeg}, at the size and frame rate the options ask for
     * (an H.264 variant). Pictures, unless the setting is {@code h264}: then a camera that cannot be
     * sent as H.264 is refused, with the reason.
     */
    private SocketViewer.Target target(Pass pass, boolean asked) {
        PageVideo mode = app.settings().pageVideo();
        ViewerOptions options = pass.options();
        String query = options.query();
        Gate.Door h264 = !asked || mode == PageVideo.JPEG ? null : pass::videoViewer;
        Gate.Door pictures = mode != PageVideo.H264 ? pass::viewer
                : asked ? null
                : () -> {
                    throw new Refused(Refused.Reason.NO_VIDEO, "this server sends its page H.264 only"
                            + " (camstream.pageVideo=h264), and this browser does not play it");
                };
        // A group of pictures and as much again wait at most: a socket further behind skips to the next keyframe.
        CameraConfig cfg = pass.camera().config();
        return new SocketViewer.Target(cfg.id(), query, options.fps(), pictures, h264, cfg.video().framesToHold(cfg.fps()));
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

    private static void closeQuietly(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing a socket failed", e);
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
        public void sendText(String message, Consumer<Throwable> done) {
            remote.sendText(message, result -> done.accept(result.isOK() ? null : result.getException()));
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
