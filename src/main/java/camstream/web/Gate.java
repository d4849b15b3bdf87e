package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import camstream.config.Access;
import camstream.stream.Via;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Session;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one way in to a camera, whatever the transport. A browser page's request has passed the origin
 * check first ({@link Origins}: {@link HeadersFilter} over HTTP, {@link #socketOrigin} at a socket's
 * handshake). Then it passes these steps in this order, and the first that fails ends it with a {@link Refused}:
 * <pre>
 *   running → camera → access ({@link AccessRule}) → options   → {@link Pass}     holds nothing
 *   Pass → [viewer limits] → lease on the stream asked for      → {@link Ticket}   holds them until released
 *
 *   way in                               pass   viewer limits   lease
 *   GET /view/{camera} (the page)        yes    -               -
 *   HEAD /stream/…, HEAD /snapshot/…     yes    -               -
 *   GET /stream/{camera}                 yes    yes             yes     Pass.viewer()
 *   GET /stream/{camera}.mp4             yes    yes             yes     Pass.videoViewer()
 *   GET /snapshot/{camera}               yes    -               yes     Pass.snapshot()
 *   GET /hls/{camera}/…                  yes    yes (1)         yes (1) Pass.videoViewer()
 *   /socket, each camera it watches      yes    yes             yes     Pass.viewer(), when it joins
 *   GET /recordings/…, /events/…         yes    -               -
 *   POST /record/…, /timelapse/…,        control ({@link #control}): the camera, if the caller may change what it records
 *   DELETE /recordings/…
 *
 *   (1) once per camera, by its HLS stream ({@link HlsStream}), held while requests come, whatever the number of clients
 * </pre>
 * A stream is held only through a Ticket, and a Ticket comes only from a Pass: nothing reaches a
 * camera's frames without the access check. While cameras are protected, an unknown id is refused as a
 * protected camera is until the caller logged in ({@link #unknownCamera}), so ids cannot be probed.
 * Refusals over HTTP are answered here; a socket is told why its handshake failed and skips a camera
 * it may not watch.
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
     * Who asks: the token it shows ({@code ?token=}; null: none), whether the container logged it in,
     * which is asked only when the token does not decide, and whether asking sent the container's
     * login (its challenge or login page) as the answer.
     */
    static final class Caller {
        private final String token;
        private final BooleanSupplier loggedIn;
        private final BooleanSupplier loginSent;

        Caller(String token, BooleanSupplier loggedIn, BooleanSupplier loginSent) {
            this.token = token;
            this.loggedIn = loggedIn;
            this.loginSent = loginSent;
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
            throw unknownCamera(app.settings().access(), id, caller);
        }
        AccessRule.Decision access = AccessRule.decide(app.settings().access().camera(camera.id()).token(),
                caller.token, caller.loggedIn);
        if (!access.allowed()) {
            throw noAccess(camera.id());
        }
        try {
            return new Pass(camera, access, options.read(), app.admission());
        } catch (ViewerOptions.Invalid e) {
            throw new Refused(Refused.Reason.BAD_OPTION, e.getMessage());
        }
    }

    /**
     * Why an id that names no camera is refused. While cameras are protected (a camera has a token,
     * or the container has a login) and the caller has not logged in, it is refused as a protected
     * camera is, login challenge included, so that probing cannot tell which ids exist; else 404. A
     * token proves nothing here: it is one camera's.
     */
    static Refused unknownCamera(Access access, String id, Caller caller) {
        if (!caller.loggedIn.getAsBoolean() && (access.anyToken() || caller.loginSent.getAsBoolean())) {
            return noAccess(Requests.printable(id));
        }
        return new Refused(Refused.Reason.UNKNOWN_CAMERA, "unknown camera: " + Requests.printable(id));
    }

    private static Refused noAccess(String id) {
        return new Refused(Refused.Reason.NO_ACCESS, "camera '" + id + "' needs its access token (?token=) or a login");
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
        return pass(req, resp, firstCamera ? "" : pathId(req));
    }

    /** The camera a request's path names: {@code /stream/front}: front; none: "", the first. */
    static String pathId(HttpServletRequest req) {
        String info = req.getPathInfo();
        return info == null ? "" : info.startsWith("/") ? info.substring(1) : info;
    }

    /** The camera {@code id} ("": the first) let through, or null after answering why not, or after the container asked for its login. */
    static Pass pass(HttpServletRequest req, HttpServletResponse resp, String id) throws IOException {
        try {
            Pass pass = pass(Requests.app(req), id, caller(req, resp), () -> ViewerOptions.parse(req));
            notItsOwnRelay(pass.camera(), req.getHeader(Via.HEADER));
            return pass;
        } catch (Refused r) {
            answer(r, resp);
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

    /**
     * Answers a request for a camera that does not exist ({@code id}, as the caller named it) as a
     * request for {@code /stream/{id}} would be answered; {@code notFound} is its 404's line (null: that of the stream).
     */
    static void unknownCamera(HttpServletRequest req, HttpServletResponse resp, String id, String notFound)
            throws IOException {
        Refused r = unknownCamera(Requests.access(req), id, caller(req, resp));
        boolean own404 = notFound != null && r.reason() == Refused.Reason.UNKNOWN_CAMERA;
        answer(own404 ? new Refused(r.reason(), notFound) : r, resp);
    }

    private static Caller caller(HttpServletRequest req, HttpServletResponse resp) {
        return new Caller(req.getParameter("token"), () -> loggedIn(req, resp), () -> loginSent(resp));
    }

    private static void answer(Refused r, HttpServletResponse resp) throws IOException {
        if (r.reason() != Refused.Reason.NO_ACCESS || !loginSent(resp)) { // else the login is the answer
            r.answer(resp);
        }
    }

    /** Whether asking for a login answered the request: the container's challenge or login page went out. */
    private static boolean loginSent(HttpServletResponse resp) {
        return resp.isCommitted() || resp.getStatus() != HttpServletResponse.SC_OK;
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

    // ---- Control ----

    /** The role of users the container logged in who may change recordings: start, stop, delete. */
    static final String CONTROL_ROLE = "camstream-admin";

    /**
     * The camera {@code id} when the caller may change what it records (start or stop a recording or a
     * time-lapse, delete one), else null after answering why not, or after the container asked for its
     * login. Watching is not enough. Allowed are: a request that shows {@code camstream.controlToken} as
     * {@code Authorization: Bearer}; a user the container logged in with the role {@link #CONTROL_ROLE};
     * and, only while nothing is protected (no login, no camera token, no control token), a request made
     * on this machine that no proxy passed on, so that a developer's page works as it is.
     */
    static Camera control(HttpServletRequest req, HttpServletResponse resp, String id) throws IOException {
        Camstream app = Requests.app(req);
        try {
            running(app);
            Access access = app.settings().access();
            String token = access.controlToken() == null || access.controlToken().isBlank() ? null : access.controlToken();
            String auth = req.getHeader("Authorization");
            boolean bearer = token != null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                    && AccessRule.decide(token, auth.substring(7).strip(), () -> false).allowed();
            if (!bearer && !controlByLogin(req, resp, token == null && !access.anyToken())) {
                return null;
            }
            Camera camera = app.camera(id);
            if (camera == null) {
                throw new Refused(Refused.Reason.UNKNOWN_CAMERA, "unknown camera: " + Requests.printable(id));
            }
            return camera;
        } catch (Refused r) {
            r.answer(resp);
            return null;
        }
    }

    /** Whether the container's login, or the lack of any protection, lets the caller change recordings; else answers. */
    private static boolean controlByLogin(HttpServletRequest req, HttpServletResponse resp, boolean noToken)
            throws IOException, Refused {
        if (loggedIn(req, resp)) {
            if (req.isUserInRole(CONTROL_ROLE)) {
                return true;
            }
            throw new Refused(Refused.Reason.NO_ACCESS, "changing recordings needs the role " + CONTROL_ROLE);
        }
        if (loginSent(resp)) {
            return false;
        }
        if (noToken && local(req)) {
            return true;
        }
        throw new Refused(Refused.Reason.NO_ACCESS, "changing recordings needs a login with the role " + CONTROL_ROLE
                + ", or camstream.controlToken as Authorization: Bearer");
    }

    /** A request from this machine that no proxy passed on (a proxy on this machine would make everyone local). */
    private static boolean local(HttpServletRequest req) {
        if (req.getHeader("Forwarded") != null || req.getHeader("X-Forwarded-For") != null
                || req.getHeader("X-Real-IP") != null) {
            return false;
        }
        try {
            return InetAddress.getByName(req.getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    // ---- WebSocket ----

    /**
     * Whether a socket's handshake may go on, asked before anything else of it: a browser sends its
     * page's {@code Origin}, and WebSockets have no CORS, so only camstream's own pages may open one
     * ({@link Origins}; never judged by {@code Host}, which a DNS-rebinding page sets as it likes).
     *
     * @param origin the handshake's {@code Origin}; null: none was sent (not a browser)
     */
    static boolean socketOrigin(Origins own, String origin) {
        if (origin == null || own.own(origin)) {
            return true;
        }
        own.refused(origin, SocketEndpoint.PATH);
        return false;
    }

    /**
     * The caller behind a socket's handshake, whose {@code ?token=} and login hold for every camera it
     * asks for later. Refused while camstream is not running.
     */
    static Caller socket(Camstream app, Session session) throws Refused {
        running(app);
        List<String> tokens = session.getRequestParameterMap().get("token");
        boolean loggedIn = session.getUserPrincipal() != null;
        return new Caller(tokens == null || tokens.isEmpty() ? null : tokens.get(0), () -> loggedIn, () -> false);
    }
}
