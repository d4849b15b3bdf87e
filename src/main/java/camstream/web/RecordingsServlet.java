package camstream.web;

import camstream.camera.Camera;
import camstream.record.Library;
import camstream.record.Recording;
import camstream.record.Recordings;
import camstream.source.AviFrames;
import camstream.stream.Multipart;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A camera's recordings, read through {@link Gate} as its snapshot is:
 * <pre>
 *   GET /recordings/{camera}                          its recordings, newest first (JSON)
 *   GET /recordings/{camera}/{file}                   a recording or thumbnail; Range, If-Range; ?download: as an attachment
 *   GET /recordings/{camera}/{file}.avi?play&amp;at=S     an MJPEG AVI from second S on, as multipart/x-mixed-replace at its rate
 *   GET /recordings/{camera}/{file}.avi?picture&amp;at=S  the picture at second S, a JPEG
 * </pre>
 * and {@code DELETE /recordings/{camera}/{file}} through {@link Gate#control}.
 * The file name is only ever compared with the names the {@link Library} lists: a name from the
 * request never becomes a path. Files and playbacks are written by {@link Transfers}, in chunks or
 * pictures as the client takes them, so no request thread waits on a slow client.
 */
public final class RecordingsServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(RecordingsServlet.class.getName());
    private static final Gson GSON = new GsonBuilder().serializeNulls().create();
    private static final Pattern SECONDS = Pattern.compile("\\d{1,7}(\\.\\d{1,6})?");

    private transient Transfers transfers;

    /** What a request's file name named: a recording or its thumbnail, found in the list. */
    private record Target(Recording recording, Path path, String contentType) {
        boolean avi() {
            return contentType.equals("video/x-msvideo");
        }
    }

    @Override
    public void init() {
        transfers = new Transfers();
    }

    @Override
    public void destroy() {
        try {
            transfers.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        answer(req, resp, true);
    }

    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        answer(req, resp, false);
    }

    /**
     * {@code DELETE /recordings/{camera}/{file}}: the recording with its thumbnail and sidecar, for a caller
     * {@link Gate#control} lets change the camera's recordings; 409 for one being recorded now.
     */
    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String[] path = path(req);
        if (path == null || path[1] == null) {
            Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, "no such recording");
            return;
        }
        Camera camera = Gate.control(req, resp, path[0]);
        if (camera == null) {
            return;
        }
        Library library = Requests.library(req);
        String name = camera.id() + "/" + Requests.printable(path[1]);
        try {
            if (library == null || !library.delete(camera.id(), path[1])) {
                Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, "no such recording: " + name);
                return;
            }
        } catch (IllegalStateException e) {
            Requests.error(resp, HttpServletResponse.SC_CONFLICT, "not deleted: " + e.getMessage());
            return;
        }
        LOG.info(() -> "Recording " + name + " deleted");
        Requests.error(resp, HttpServletResponse.SC_OK, "deleted " + name);
    }

    private void answer(HttpServletRequest req, HttpServletResponse resp, boolean body) throws IOException {
        String[] path = path(req);
        if (path == null) {
            Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, "no such recording");
            return;
        }
        Pass pass = Gate.pass(req, resp, path[0]);
        if (pass == null) {
            return;
        }
        String camera = pass.camera().id();
        Library library = Requests.library(req);
        if (path[1] == null) {
            list(resp, library, camera, body);
            return;
        }
        Target target = target(library, camera, path[1]);
        if (target == null) {
            Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, "no such recording: " + camera + "/"
                    + Requests.printable(path[1]));
            return;
        }
        boolean play = req.getParameter("play") != null;
        boolean picture = req.getParameter("picture") != null;
        if (!play && !picture) {
            send(req, resp, target, body);
            return;
        }
        if (!target.avi()) {
            Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, "?play and ?picture are for MJPEG AVI recordings;"
                    + " an mp4 plays and seeks as it is");
            return;
        }
        Double at = seconds(req.getParameter("at"));
        if (at == null) {
            Requests.error(resp, HttpServletResponse.SC_BAD_REQUEST, "at: seconds from the start of the recording, e.g. at=12.5");
            return;
        }
        if (!body) {
            resp.setContentType(play ? Multipart.CONTENT_TYPE : "image/jpeg");
            Requests.noCache(resp);
            return;
        }
        AviFrames frames = open(resp, target, at);
        if (frames == null) {
            return;
        }
        if (picture) {
            try (frames) {
                resp.setContentType("image/jpeg");
                resp.setHeader("Cache-Control", "private, max-age=60");
                resp.setContentLength(frames.length());
                resp.getOutputStream().write(frames.jpeg(), 0, frames.length());
            }
            return;
        }
        play(req, resp, target, frames);
    }

    /** {camera, file} of {@code /{camera}/{file}}, file null for {@code /{camera}}; null for any other path. */
    static String[] path(HttpServletRequest req) {
        String id = Gate.pathId(req);
        int slash = id.indexOf('/');
        if (slash < 0) {
            return new String[] {id, null};
        }
        String file = id.substring(slash + 1);
        if (file.indexOf('/') >= 0) {
            return null;
        }
        return new String[] {id.substring(0, slash), file.isEmpty() ? null : file};
    }

    /** The recording or thumbnail {@code file} names among the camera's listed ones; null when none. */
    private static Target target(Library library, String camera, String file) {
        if (library == null) {
            return null;
        }
        Recording r = library.find(camera, file);
        if (r != null) {
            return new Target(r, library.path(r), r.format().equals("mp4") ? "video/mp4" : "video/x-msvideo");
        }
        for (Recording x : library.list(camera)) {
            if (file.equals(x.thumbnail())) {
                Path thumbnail = library.thumbnail(x);
                return thumbnail == null ? null : new Target(x, thumbnail, "image/jpeg");
            }
        }
        return null;
    }

    private static void list(HttpServletResponse resp, Library library, String camera, boolean body) throws IOException {
        List<Recordings.Entry> list = library == null ? List.of() : library.list(camera).stream().map(Recordings.Entry::of).toList();
        resp.setContentType("application/json;charset=UTF-8");
        Requests.noCache(resp);
        if (body) {
            GSON.toJson(list, resp.getWriter());
        }
    }

    /** The file, whole or the range asked for, written by a {@link FileSender}; a live file up to its length now. */
    private void send(HttpServletRequest req, HttpServletResponse resp, Target target, boolean body) throws IOException {
        FileChannel file = openFile(resp, target.path());
        if (file == null) {
            return;
        }
        boolean handedOver = false;
        try {
            long length = file.size();
            long modified = Files.getLastModifiedTime(target.path()).toMillis();
            String etag = "\"" + Long.toHexString(length) + "-" + Long.toHexString(modified) + "\"";
            resp.setHeader("Accept-Ranges", "bytes");
            resp.setHeader("ETag", etag);
            resp.setDateHeader("Last-Modified", modified);
            // Protected like the streams: no shared cache may keep it; the browser asks again, by its ETag.
            resp.setHeader("Cache-Control", "private, no-cache");
            if (etag.equals(req.getHeader("If-None-Match"))) {
                resp.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
                return;
            }
            ByteRange range = ifRange(req, etag, modified) ? ByteRange.parse(req.getHeader("Range"), length) : null;
            if (range == ByteRange.UNSATISFIABLE) {
                resp.setHeader("Content-Range", range.contentRange(length));
                Requests.error(resp, HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE, "range not satisfiable: "
                        + target.recording().file() + " has " + length + " bytes");
                return;
            }
            resp.setContentType(target.contentType());
            if (req.getParameter("download") != null) {
                resp.setHeader("Content-Disposition", "attachment; filename=\"" + target.path().getFileName() + "\"");
            }
            long first = 0;
            long end = length;
            if (range != null) {
                resp.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
                resp.setHeader("Content-Range", range.contentRange(length));
                first = range.first();
                end = range.last() + 1;
            }
            resp.setContentLengthLong(end - first);
            if (!body || end == first) {
                return;
            }
            if (transfers.full()) {
                busy(resp);
                return;
            }
            AsyncContext async = req.startAsync();
            async.setTimeout(0); // a long download is fine; one that accepts nothing ends by the stall timeout
            FileSender sender = new FileSender(StreamServlet.remote(req), async, transfers, stallNanos(req), file, first, end);
            handedOver = true;
            start(sender);
        } finally {
            if (!handedOver) {
                file.close();
            }
        }
    }

    /**
     * Whether a {@code Range} may be honoured: no {@code If-Range}, or one naming the file as it is
     * now (its ETag, or its Last-Modified date to the second); else the whole file is sent.
     */
    private static boolean ifRange(HttpServletRequest req, String etag, long modified) {
        String condition = req.getHeader("If-Range");
        if (condition == null) {
            return true;
        }
        if (condition.startsWith("\"") || condition.startsWith("W/")) {
            return condition.equals(etag);
        }
        try {
            return req.getDateHeader("If-Range") == modified / 1000 * 1000;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void play(HttpServletRequest req, HttpServletResponse resp, Target target, AviFrames frames) throws IOException {
        if (transfers.full()) {
            frames.close();
            busy(resp);
            return;
        }
        try {
            resp.setContentType(Multipart.CONTENT_TYPE);
            Requests.noCache(resp);
            resp.setHeader("X-Accel-Buffering", "no");
            AsyncContext async = req.startAsync();
            async.setTimeout(0);
            start(new AviPlayer(StreamServlet.remote(req), async, transfers, stallNanos(req), frames,
                    target.recording().start()));
        } catch (IOException | RuntimeException e) {
            frames.close();
            throw e;
        }
    }

    private void start(RecordingWriter writer) {
        transfers.add(writer);
        writer.start();
    }

    /** The recording at second {@code at} (its last picture if shorter), or null after answering why not. */
    private static AviFrames open(HttpServletResponse resp, Target target, double at) throws IOException {
        AviFrames frames;
        try {
            frames = AviFrames.open(target.path());
        } catch (NoSuchFileException e) {
            Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, "no such recording: " + target.recording().file());
            return null;
        }
        if (frames == null) {
            Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, target.recording().file() + " holds no picture yet");
            return null;
        }
        try {
            frames.skip((int) Math.min(Integer.MAX_VALUE, Math.floor(at * AviPlayer.rate(frames.fps()))));
            return frames;
        } catch (IOException | RuntimeException e) {
            frames.close();
            throw e;
        }
    }

    /** The file open for reading, or null after answering 404 (deleted meanwhile) or 500. */
    private static FileChannel openFile(HttpServletResponse resp, Path path) throws IOException {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            Requests.error(resp, HttpServletResponse.SC_NOT_FOUND, "no such recording: " + path.getFileName());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot read the recording " + path + ": " + e.getMessage());
            Requests.error(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "cannot read " + path.getFileName());
        }
        return null;
    }

    private static void busy(HttpServletResponse resp) throws IOException {
        resp.setHeader("Retry-After", "10");
        Requests.error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "too many recordings are being sent ("
                + Transfers.MAX + "); try again shortly");
    }

    /** Seconds from the start ({@code at}; none: 0), or null when not a number. */
    private static Double seconds(String at) {
        if (at == null || at.isEmpty()) {
            return 0.0;
        }
        return SECONDS.matcher(at).matches() ? Double.valueOf(at) : null;
    }

    private static long stallNanos(HttpServletRequest req) {
        return TimeUnit.SECONDS.toNanos(Requests.app(req).settings().stallTimeoutSeconds());
    }
}
