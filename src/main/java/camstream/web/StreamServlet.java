package camstream.web;

import camstream.Camstream;
import camstream.camera.Camera;
import camstream.config.CameraConfig;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.Multipart;
import camstream.stream.Via;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /stream/{camera}}, {@code GET /stream} (the first camera) and {@code GET /video_feed}: an endless
 * {@code multipart/x-mixed-replace} stream of JPEG frames, written without blocking. The viewer may
 * ask for a frame rate cap, a smaller size and another quality ({@link ViewerOptions}).
 *
 * <p>{@code GET /stream/{camera}.mp4}: the camera's H.264 stream as an endless fragmented MP4, for
 * players (ffmpeg, VLC, {@code <video src>}); encoded once for all its viewers.
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
        String mp4 = mp4Camera(req);
        Pass pass = Gate.pass(req, resp, mp4 != null ? mp4 : videoFeed(req) ? "" : Gate.pathId(req));
        if (pass != null) {
            resp.setContentType(mp4 != null ? Mp4Viewer.CONTENT_TYPE : Multipart.CONTENT_TYPE);
            Requests.noCache(resp);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String mp4 = mp4Camera(req);
        Pass pass = Gate.pass(req, resp, mp4 != null ? mp4 : videoFeed(req) ? "" : Gate.pathId(req));
        Ticket ticket = pass == null ? null : Gate.enter(resp, mp4 != null ? pass::videoViewer : pass::viewer);
        if (ticket == null) {
            return;
        }
        try {
            if (mp4 != null) {
                video(req, resp, ticket);
            } else {
                stream(req, resp, ticket);
            }
        } catch (IOException | RuntimeException e) {
            ticket.release(); // the viewer never ran
            throw e;
        }
    }

    private static boolean videoFeed(HttpServletRequest req) {
        return "/video_feed".equals(req.getServletPath());
    }

    /**
     * The camera of {@code /stream/{camera}.mp4}, or null for another path. Camera ids have no dot, so
     * {@code .mp4} always names the format.
     */
    private static String mp4Camera(HttpServletRequest req) {
        if (videoFeed(req)) {
            return null;
        }
        String id = Gate.pathId(req);
        return id.endsWith(".mp4") ? id.substring(0, id.length() - 4) : null;
    }

    /** Makes the viewer of a stream whose response is ready to be written. */
    @FunctionalInterface
    private interface ViewerMaker {
        HttpViewer make(String client, ServletOutputStream out, Runnable complete, long stallNanos);
    }

    private void video(HttpServletRequest req, HttpServletResponse resp, Ticket ticket) throws IOException {
        CameraConfig cfg = ticket.camera().config();
        // Where the stream comes from: a camstream that relays it finds itself in it if the relays make a loop.
        resp.setHeader(Via.HEADER, ticket.camera().videoPath().value());
        // A group of pictures and as much again: a viewer further behind skips to the next keyframe.
        start(req, resp, ticket, Mp4Viewer.CONTENT_TYPE, (client, out, complete, stall) ->
                new Mp4Viewer(cfg.id(), client, out, complete, ticket.broadcaster(), stall,
                        cfg.video().framesToHold(cfg.fps())));
    }

    private void stream(HttpServletRequest req, HttpServletResponse resp, Ticket ticket) throws IOException {
        start(req, resp, ticket, Multipart.CONTENT_TYPE, (client, out, complete, stall) ->
                new MultipartViewer(ticket.camera().id(), client, out, complete, ticket.broadcaster(), stall,
                        ticket.options().fps()));
    }

    /** Answers with an endless stream written by the viewer {@code maker} makes, which the ticket holds until it ends. */
    private void start(HttpServletRequest req, HttpServletResponse resp, Ticket ticket, String contentType,
                       ViewerMaker maker) throws IOException {
        Camstream app = Requests.app(req);
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(contentType);
        Requests.noCache(resp);
        resp.setHeader("X-Accel-Buffering", "no");
        if (tomcat) {
            resp.setBufferSize(bufferSize(ticket.camera(), ticket.broadcaster(), contentType.equals(Mp4Viewer.CONTENT_TYPE)));
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
        HttpViewer viewer = maker.make(remote(req), resp.getOutputStream(), complete,
                TimeUnit.SECONDS.toNanos(app.settings().stallTimeoutSeconds()));
        async.addListener(viewer);
        ticket.releaseOnComplete(async); // after the viewer's listener: it leaves, then the stream is let go
        viewer.start();
    }

    /** The client's address and port; an IPv6 address in brackets. */
    static String remote(HttpServletRequest req) {
        String addr = req.getRemoteAddr();
        return (addr.indexOf(':') >= 0 ? "[" + addr + "]" : addr) + ":" + req.getRemotePort();
    }

    /**
     * Half again the newest part, or an estimate from the picture size before the first frame; 8 KB to 1 MB.
     * An H.264 stream's newest frame is most often a small one that refers to others, and a keyframe
     * that does not fit costs every viewer a wait for onWritePossible at once (which made Tomcat grow
     * its pool to its maximum with 1,000 viewers): the estimate is half a keyframe interval's bytes at
     * the target bitrate, or the newest frame if larger.
     */
    static int bufferSize(Camera camera, Broadcaster stream, boolean video) {
        Frame latest = stream.latest();
        CameraConfig cfg = camera.config();
        long part = latest != null ? latest.part().length : (long) cfg.width() * cfg.height() / 10;
        if (video) {
            part = Math.max(part, (long) cfg.video().bitrate(cfg.width(), cfg.height(), cfg.fps()) / 8
                    * cfg.video().keyframeSeconds() / 2);
        }
        long size = (part * 3 / 2 + 4095) / 4096 * 4096;
        return (int) Math.max(8 * 1024, Math.min(1024 * 1024, size));
    }
}
