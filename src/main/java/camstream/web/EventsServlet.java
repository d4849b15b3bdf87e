package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import camstream.motion.Motion;
import camstream.motion.MotionEvent;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /events}: the motion events of every camera the caller may see, as server-sent events
 * ({@code ?camera=ID}: that camera's, refused as its stream would be); {@code GET /events/{camera}/{id}.jpg}:
 * an event's snapshot, let through as the camera's snapshot is. Without {@code ?camera=} a camera that needs a
 * token or a login the caller has not shown is left out, and if that is all of them the first one's refusal
 * is the answer.
 */
public final class EventsServlet extends HttpServlet {

    private static final Pattern SNAPSHOT = Pattern.compile("/([A-Za-z0-9_-]{1,64})/([0-9]{1,18})\\.jpg");

    /** The stream's answer without starting it; a snapshot's headers as its GET would give them. */
    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        if (stream(req)) {
            events(req, resp, true);
        } else {
            super.doHead(req, resp);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo();
        if (stream(req)) {
            events(req, resp, false);
            return;
        }
        Matcher m = SNAPSHOT.matcher(path);
        if (!m.matches()) {
            Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, "no such event snapshot: " + Requests.printable(path)
                    + " (events/{camera}/{id}.jpg)");
            return;
        }
        Pass pass = Gate.pass(req, resp, m.group(1));
        if (pass == null) {
            return;
        }
        Motion motion = pass.camera().motion();
        MotionEvent e = motion == null ? null : motion.event(Long.parseLong(m.group(2)));
        if (e == null || e.snapshot() == null) {
            Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, "camera '" + pass.camera().id() + "' has no event "
                    + m.group(2) + (motion == null ? " (motion detection is off)" : " among its last ones"));
            return;
        }
        byte[] jpeg = e.snapshot();
        resp.setContentType("image/jpeg");
        resp.setContentLength(jpeg.length);
        // An ended event's snapshot never changes; one under way may get a better one.
        resp.setHeader("Cache-Control", e.ongoing() ? "no-cache" : "private, max-age=86400");
        resp.getOutputStream().write(jpeg);
    }

    private static boolean stream(HttpServletRequest req) {
        String path = req.getPathInfo();
        return path == null || path.equals("/");
    }

    private void events(HttpServletRequest req, HttpServletResponse resp, boolean head) throws IOException {
        Camstream app = Requests.app(req);
        EventHub hub = (EventHub) req.getServletContext().getAttribute(EventHub.ATTRIBUTE);
        if (app == null || app.stopped() || hub == null) {
            resp.setHeader("Retry-After", "5");
            Requests.error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "camstream is not running");
            return;
        }
        String only = req.getParameter("camera");
        Set<String> cameras = new LinkedHashSet<>();
        if (only != null) {
            Pass pass = Gate.pass(req, resp, only);
            if (pass == null) {
                return;
            }
            cameras.add(pass.camera().id());
        } else {
            visible(app, req, cameras);
            if (cameras.isEmpty()) {
                Pass pass = Gate.pass(req, resp, "");
                if (pass == null) {
                    return;
                }
                visible(app, req, cameras); // the container may have logged the caller in just now
                cameras.add(pass.camera().id());
            }
        }
        if (hub.full()) {
            resp.setHeader("Retry-After", "5");
            Requests.error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "too many event streams are open ("
                    + EventHub.MAX_CLIENTS + "); try again later");
            return;
        }
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType("text/event-stream;charset=UTF-8");
        Requests.noCache(resp);
        resp.setHeader("X-Accel-Buffering", "no");
        if (head) {
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        EventStream[] client = new EventStream[1];
        client[0] = new EventStream(StreamServlet.remote(req), cameras, resp.getOutputStream(), () -> {
            hub.remove(client[0]);
            async.complete();
        }, hub.executor(), TimeUnit.SECONDS.toNanos(app.settings().stallTimeoutSeconds()));
        async.addListener(client[0]);
        hub.add(client[0]); // what it is told now waits until the container says it may write
        client[0].start();
    }

    /** Adds the cameras the caller may see without being asked to log in. */
    private static void visible(Camstream app, HttpServletRequest req, Set<String> into) {
        String token = req.getParameter("token");
        for (Camera c : app.cameras()) {
            if (AccessRule.decide(app.settings().access().camera(c.id()).token(), token,
                    () -> req.getUserPrincipal() != null).allowed()) {
                into.add(c.id());
            }
        }
    }
}
