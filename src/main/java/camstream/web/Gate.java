package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import camstream.stream.Via;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Session;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one way in to a camera, whatever the transport. A request passes these steps in this order, and
 * the first that fails ends it with a {@link Refused}:
 * <pre>
 *   running → camera → access ({@link AccessRule}) → options   → {@link Pass}     holds nothing
 *   Pass → [viewer limits] → lease on the stream asked for      → {@link Ticket}   holds them until released
 *
 *   way in                               pass   viewer limits   lease
 *   GET /view/{camera} (the page)        yes    -               -
 *   HEAD /stream/…, HEAD /snapshot/…     yes    -               -
 *   GET /stream/{camera}                 yes    yes             yes     Pass.viewer()
 *   GET /snapshot/{camera}               yes    -               yes     Pass.snapshot()
 *   /socket, each camera it watches      yes    yes             yes     Pass.viewer(), when it joins
 * </pre>
 * A stream is held only through a Ticket, and a Ticket comes only from a Pass: nothing reaches a
 * camera's frames without the access check. Refusals over HTTP are answered here; a socket is told
 * why its handshake failed and skips a camera it may not watch.
 */
final class Gate {

    private static final Logger LOG = Logger.getLogger(Gate.class.getName());

    /** Lets one viewer in: a ticket to hold while it watches, or why not. */
    @FunctionalInterface
    interface Door {
        Ticket enter() throws Refused;
    }

    /** Reads the options a caller asked for; only once access was granted. */
    @FunctionalInterface
    interface Options {
        ViewerOptions read() throws ViewerOptions.Invalid;
    }

    /**
     * Who asks: the token it shows ({@code ?token=}; null: none) and whether the container logged it
     * in, which is asked only when the token does not decide.
     */
    static final class Caller {
        private final String token;
        private final BooleanSupplier loggedIn;

        Caller(String token, BooleanSupplier loggedIn) {
            this.token = token;
            this.loggedIn = loggedIn;
        }

        @Override
        public String toString() {
            return "Caller[token " + (token == null ? "none" : "shown") + "]";
        }
    }

    private Gate() {
    }

    /** The camera {@code id} names ("": the first), let through for {@code caller}, with the options it asked for. */
    static Pass pass(Camstream app, String id, Caller caller, Options options) throws Refused {
        running(app);
        Camera camera = id.isEmpty() ? app.defaultCamera() : app.camera(id);
        if (camera == null) {
            throw unknownCamera(id);
        }
        AccessRule.Decision access = AccessRule.decide(app.settings().access().camera(camera.id()).token(),
                caller.token, caller.loggedIn);
        if (!access.allowed()) {
            throw new Refused(Refused.Reason.NO_ACCESS,
                    "camera '" + camera.id() + "' needs its access token (?token=) or a login");
        }
        try {
            return new Pass(camera, access, options.read(), app.admission());
        } catch (ViewerOptions.Invalid e) {
            throw new Refused(Refused.Reason.BAD_OPTION, e.getMessage());
        }
    }

    static Refused unknownCamera(String id) {
        return new Refused(Refused.Reason.UNKNOWN_CAMERA, "unknown camera: " + Requests.printable(id));
    }

    private static void running(Camstream app) throws Refused {
        if (app == null || app.stopped()) {
            throw new Refused(Refused.Reason.NOT_RUNNING, "camstream is not running");
        }
    }

    // ---- HTTP ----

    /**
     * The camera of {@code req}'s path ({@code /stream/front}: front; none, or {@code firstCamera}: the
     * first) let through, or null after answering why not, or after the container asked for its login.
     */
    static Pass pass(HttpServletRequest req, HttpServletResponse resp, boolean firstCamera) throws IOException {
        String info = req.getPathInfo();
        String id = firstCamera || info == null ? "" : info.startsWith("/") ? info.substring(1) : info;
        Caller caller = new Caller(req.getParameter("token"), () -> loggedIn(req, resp));
        try {
            Pass pass = pass(Requests.app(req), id, caller, () -> ViewerOptions.parse(req));
            notItsOwnRelay(pass.camera(), req.getHeader(Via.HEADER));
            return pass;
        } catch (Refused r) {
            boolean containerAnswered = r.reason() == Refused.Reason.NO_ACCESS
                    && (resp.isCommitted() || resp.getStatus() != HttpServletResponse.SC_OK);
            if (!containerAnswered) { // else its login challenge or login page went out
                r.answer(resp);
            }
            return null;
        }
    }

    /**
     * A relay names its camera in its request ({@link Via#HEADER}): a camera whose source is its own
     * stream is refused at once, instead of relaying its own pictures as fast as they come back.
     */
    private static void notItsOwnRelay(Camera camera, String via) throws Refused {
        if (via != null && Via.parse(via).passedThrough(camera.hop())) {
            throw new Refused(Refused.Reason.RELAY_LOOP, "relay loop: camera '" + camera.id() + "' relays its own stream");
        }
    }

    /** {@code door}'s ticket, or null after answering why not. */
    static Ticket enter(HttpServletResponse resp, Door door) throws IOException {
        try {
            return door.enter();
        } catch (Refused r) {
            r.answer(resp);
            return null;
        }
    }

    /** Whether the container logged the caller in; asks for its login when it has one, which may answer the request. */
    private static boolean loggedIn(HttpServletRequest req, HttpServletResponse resp) {
        if (req.getUserPrincipal() != null) {
            return true;
        }
        try {
            return req.authenticate(resp) && req.getUserPrincipal() != null;
        } catch (ServletException | IOException | RuntimeException e) {
            LOG.log(Level.FINE, "No container login for " + Requests.printable(req.getRequestURI()), e);
            return false;
        }
    }

    // ---- WebSocket ----

    /**
     * The caller behind a socket's handshake, whose {@code ?token=} and login hold for every camera it
     * asks for later. Refused while camstream is not running, and for a page of another site: a browser
     * sends its {@code Origin}, and WebSockets have no CORS.
     *
     * @param origin the handshake's {@code Origin}; null: none was sent (not a browser)
     */
    static Caller socket(Camstream app, Session session, String origin) throws Refused {
        running(app);
        if (origin != null && !sameHost(origin, session.getRequestURI())) {
            throw new Refused(Refused.Reason.CROSS_ORIGIN, "cross-origin request refused");
        }
        List<String> tokens = session.getRequestParameterMap().get("token");
        boolean loggedIn = session.getUserPrincipal() != null;
        return new Caller(tokens == null || tokens.isEmpty() ? null : tokens.get(0), () -> loggedIn);
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
}
