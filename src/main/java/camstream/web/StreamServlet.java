package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.Multipart;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /stream/{camera}}, {@code GET /stream} (the first camera) and {@code GET /video_feed}: an endless
 * {@code multipart/x-mixed-replace} stream of JPEG frames, written without blocking. The viewer may
 * ask for a frame rate cap, a smaller size and another quality ({@link ViewerOptions}).
 */
public final class StreamServlet extends HttpServlet {

    /**
     * Whether to grow the response buffer to hold a whole part. Tomcat then sends the part on
     * flush() from the writing thread; with its 8 KB default, the tail of every part stays in its
     * socket buffer, isReady() says false, and each part costs a write-interest registration and a
     * hand-off to a container thread (2 epoll_ctl and 3 futex calls per part, measured). Jetty is
     * left alone: its buffer size is also its aggregation size, so a larger one would copy every
     * part into a direct buffer held for the whole stream.
     */
    private boolean tomcat;

    @Override
    public void init() {
        tomcat = getServletContext().getServerInfo().startsWith("Apache Tomcat");
    }

    /** Headers only; the default HEAD would run doGet and never end. */
    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (Gate.pass(req, resp, videoFeed(req)) != null) {
            resp.setContentType(Multipart.CONTENT_TYPE);
            Requests.noCache(resp);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Pass pass = Gate.pass(req, resp, videoFeed(req));
        Ticket ticket = pass == null ? null : Gate.enter(resp, pass::viewer);
        if (ticket == null) {
            return;
        }
        try {
            stream(req, resp, ticket);
        } catch (IOException | RuntimeException e) {
            ticket.release(); // the viewer never ran
            throw e;
        }
    }

    private static boolean videoFeed(HttpServletRequest req) {
        return "/video_feed".equals(req.getServletPath());
    }

    private void stream(HttpServletRequest req, HttpServletResponse resp, Ticket ticket) throws IOException {
        Camstream app = Requests.app(req);
        Camera camera = ticket.camera();
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(Multipart.CONTENT_TYPE);
        Requests.noCache(resp);
        resp.setHeader("X-Accel-Buffering", "no");
        if (tomcat) {
            resp.setBufferSize(bufferSize(camera, ticket.broadcaster()));
        }

        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        Runnable complete = () -> {
            try {
                async.complete();
            } finally {
                ticket.release();
            }
        };
        MultipartViewer viewer = new MultipartViewer(camera.id(), remote(req), resp.getOutputStream(), complete,
                ticket.broadcaster(), TimeUnit.SECONDS.toNanos(app.settings().stallTimeoutSeconds()), ticket.options().fps());
        async.addListener(viewer);
        ticket.releaseOnComplete(async); // after the viewer's listener: it leaves, then the stream is let go
        viewer.start();
    }

    /** The client's address and port; an IPv6 address in brackets. */
    static String remote(HttpServletRequest req) {
        String addr = req.getRemoteAddr();
        return (addr.indexOf(':') >= 0 ? "[" + addr + "]" : addr) + ":" + req.getRemotePort();
    }

    /** Half again the newest part, or an estimate from the picture size before the first frame; 8 KB to 1 MB. */
    static int bufferSize(Camera camera, Broadcaster stream) {
        Frame latest = stream.latest();
        long part = latest != null ? latest.part().length
                : (long) camera.config().width() * camera.config().height() / 10;
        long size = (part * 3 / 2 + 4095) / 4096 * 4096;
        return (int) Math.max(8 * 1024, Math.min(1024 * 1024, size));
    }
}
