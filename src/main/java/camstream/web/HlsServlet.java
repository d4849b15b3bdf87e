package camstream.web;

import camstream.camera.Camera;
import camstream.camera.VariantRequest;
import camstream.hls.Segmenter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /hls/{camera}/index.m3u8}: the camera's H.264 stream as HLS with fMP4 segments, low-latency
 * (parts, preload hints, blocking playlist reload with {@code _HLS_msn}/{@code _HLS_part}) and plain.
 * The segments are the same fragments the camera's other H.264 viewers get, cut by one {@link HlsStream}
 * per camera, whatever the number of clients, and made for caches: a segment's, part's or init
 * segment's URI names its stream's epoch, so its bytes never change ({@code immutable}, a year's
 * {@code max-age}, an {@code ETag}); a playlist lives a second, a blocking reload's answer longer, as
 * it only ever grows. A request for a segment or part about to exist is held until it does (at most
 * three target durations), not answered 404, and so is the first playlist until there is a segment.
 */
public final class HlsServlet extends HttpServlet {

    private static final Pattern PATH = Pattern.compile("/([^/]+)/(?:(index\\.m3u8)|([0-9a-z]{1,16})/(?:init-(\\d{1,9})\\.mp4|(\\d{1,18})(?:\\.(\\d{1,4}))?\\.m4s))");
    private static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    private static final String SEGMENT_TYPE = "video/mp4";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** Set on a held request when it is dispatched again: answer with what there is. */
    private static final String WOKEN = HlsServlet.class.getName() + ".woken";
    private static final AtomicLong EPOCHS = new AtomicLong(ThreadLocalRandom.current().nextInt(1296));

    private final Map<Camera, HlsStream> streams = new HashMap<>();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String info = req.getPathInfo();
        Matcher m = info == null ? null : PATH.matcher(info);
        if (m == null || !m.matches()) {
            Requests.error(resp, HttpServletResponse.SC_NOT_FOUND,
                    "no such HLS resource; a camera's playlist is hls/{camera}/index.m3u8");
            return;
        }
        Pass pass = Gate.pass(req, resp, m.group(1));
        if (pass == null) {
            return;
        }
        if (pass.options().fps() != 0 || !pass.options().variant().equals(VariantRequest.MAIN)) {
            Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, "HLS is the camera's own H.264 stream; "
                    + "fps, width, height and quality are options of /stream/{camera} and /stream/{camera}.mp4");
            return;
        }
        boolean playlist = m.group(2) != null;
        HlsStream stream = playlist ? open(pass, resp) : existing(pass.camera());
        if (stream == null) {
            if (!playlist) {
                gone(resp);
            }
            return;
        }
        stream.touch();
        if (req.getAttribute(WOKEN) == null) { // a held request comes through here twice
            pass.camera().counters().countHlsRequest();
        }
        Segmenter seg = stream.segmenter();
        if (playlist) {
            playlist(req, resp, seg);
        } else if (!m.group(3).equals(seg.epoch())) {
            gone(resp);
        } else if (m.group(4) != null) {
            send(req, resp, seg.init(Integer.parseInt(m.group(4))), SEGMENT_TYPE);
        } else {
            long msn = Long.parseLong(m.group(5));
            int part = m.group(6) == null ? -1 : Integer.parseInt(m.group(6));
            media(req, resp, seg, msn, part);
        }
    }

    private void playlist(HttpServletRequest req, HttpServletResponse resp, Segmenter seg) throws IOException {
        Long msn;
        Integer part;
        try {
            msn = number(req, "_HLS_msn");
            Long p = number(req, "_HLS_part");
            part = p == null ? null : Math.toIntExact(p);
        } catch (NumberFormatException | ArithmeticException e) {
            Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, "_HLS_msn and _HLS_part are whole numbers, 0 or more");
            return;
        }
        if (part != null && msn == null) {
            Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, "_HLS_part needs _HLS_msn");
            return;
        }
        boolean woken = req.getAttribute(WOKEN) != null;
        if (msn != null) {
            long newest = seg.newest();
            if (newest >= 0 && msn > newest + 2) {
                Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, "_HLS_msn " + msn
                        + " is more than two segments past the newest, " + newest);
                return;
            }
            int p = part == null ? -1 : part;
            if (!woken && hold(req, seg, msn, p)) {
                return;
            }
            if (!seg.has(msn, p)) {
                unavailable(resp);
                return;
            }
        } else if (seg.lastComplete() < 0) {
            if (!woken && hold(req, seg, 0, -1)) {
                return;
            }
            if (seg.lastComplete() < 0) {
                unavailable(resp);
                return;
            }
        }
        String text = seg.playlist(tokenQuery(req));
        // A blocking reload's answer holds what was asked for, and only grows: a cache may keep it a while.
        String cache = msn != null ? "public, max-age=" + 3 * seg.targetSeconds() : "public, max-age=1";
        String etag = "\"" + seg.epoch() + "-" + seg.version() + "-" + Integer.toHexString(text.hashCode()) + "\"";
        write(req, resp, text.getBytes(StandardCharsets.UTF_8), PLAYLIST_TYPE, cache, etag);
    }

    private void media(HttpServletRequest req, HttpServletResponse resp, Segmenter seg, long msn, int part)
            throws IOException {
        byte[] bytes = part < 0 ? seg.segment(msn) : seg.part(msn, part);
        boolean soon = part < 0 ? seg.soon(msn) : seg.partSoon(msn, part);
        if (bytes == null && soon && req.getAttribute(WOKEN) == null && hold(req, seg, msn, part)) {
            return;
        }
        if (bytes == null) {
            bytes = part < 0 ? seg.segment(msn) : seg.part(msn, part);
        }
        send(req, resp, bytes, SEGMENT_TYPE);
    }

    private static void send(HttpServletRequest req, HttpServletResponse resp, byte[] bytes, String type)
            throws IOException {
        if (bytes == null) {
            Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, "no such segment (any more); reload the playlist");
            return;
        }
        String uri = req.getRequestURI();
        write(req, resp, bytes, type, IMMUTABLE, "\"" + uri.substring(uri.lastIndexOf('/', uri.lastIndexOf('/') - 1) + 1) + "\"");
    }

    private static void write(HttpServletRequest req, HttpServletResponse resp, byte[] bytes, String type,
                              String cache, String etag) throws IOException {
        resp.setHeader("Cache-Control", cache);
        resp.setHeader("ETag", etag);
        String match = req.getHeader("If-None-Match");
        if (match != null && (match.equals(etag) || match.equals("W/" + etag))) {
            resp.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        resp.setContentType(type);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /**
     * Holds the request until part {@code part} of segment {@code msn} exists, the stream ends, or three
     * target durations pass; then it comes back through {@link #doGet} with {@link #WOKEN} set. Returns
     * false, holding nothing, if it exists already.
     */
    private static boolean hold(HttpServletRequest req, Segmenter seg, long msn, int part) {
        AtomicBoolean answered = new AtomicBoolean();
        AsyncContext async = req.startAsync();
        Runnable wake = () -> {
            if (answered.compareAndSet(false, true)) {
                req.setAttribute(WOKEN, Boolean.TRUE);
                async.dispatch();
            }
        };
        async.setTimeout(TimeUnit.SECONDS.toMillis(3L * Math.max(1, seg.targetSeconds())));
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                seg.cancel(wake);
                wake.run();
            }

            @Override
            public void onComplete(AsyncEvent event) {
                seg.cancel(wake);
            }

            @Override
            public void onError(AsyncEvent event) {
                seg.cancel(wake);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        if (seg.await(msn, part, wake)) {
            return true;
        }
        wake.run(); // it came meanwhile
        return true;
    }

    private static Long number(HttpServletRequest req, String name) {
        String v = req.getParameter(name);
        if (v == null) {
            return null;
        }
        long n = Long.parseLong(v);
        if (n < 0) {
            throw new NumberFormatException(name);
        }
        return n;
    }

    /** {@code ?token=…} for the URIs in a playlist, when the request showed one: a cache then keeps a copy per token. */
    private static String tokenQuery(HttpServletRequest req) {
        String token = req.getParameter("token");
        return token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private static void gone(HttpServletResponse resp) throws IOException {
        Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, "this HLS stream has ended; reload the playlist");
    }

    private static void unavailable(HttpServletResponse resp) throws IOException {
        resp.setHeader("Retry-After", "1");
        Requests.error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "the HLS stream is starting or has ended; try again");
    }

    private synchronized HlsStream existing(Camera camera) {
        return streams.get(camera);
    }

    /** The camera's HLS stream, started if there is none; null after answering why the caller may not have one. */
    private HlsStream open(Pass pass, HttpServletResponse resp) throws IOException {
        Camera camera = pass.camera();
        HlsStream s = existing(camera);
        if (s != null) {
            return s;
        }
        Ticket ticket = Gate.enter(resp, pass::videoViewer);
        if (ticket == null) {
            return null;
        }
        synchronized (this) {
            s = streams.get(camera);
            if (s == null) {
                Segmenter seg = new Segmenter(Long.toString(System.currentTimeMillis(), 36)
                        + Long.toString(EPOCHS.incrementAndGet() % 1296, 36));
                HlsStream made = new HlsStream(seg, ticket, this::forget);
                streams.put(camera, made);
                s = made;
                ticket = null;
            }
        }
        if (ticket != null) {
            ticket.release(); // another request started it meanwhile
        } else {
            s.start();
        }
        return s;
    }

    private synchronized void forget(HlsStream stream) {
        streams.values().remove(stream);
    }

    @Override
    public void destroy() {
        HlsStream[] open;
        synchronized (this) {
            open = streams.values().toArray(new HlsStream[0]);
        }
        for (HlsStream s : open) {
            s.close("server stopping");
        }
    }
}
