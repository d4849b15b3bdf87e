package camstream.web;

import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.GopQueue;
import camstream.stream.VideoTrack;
import jakarta.servlet.ServletOutputStream;

import java.util.Arrays;

/**
 * One connected {@code video/mp4} stream ({@link HttpViewer}): the H.264 stream as fragmented MP4, the
 * init segment first, then one fragment per frame from a keyframe on. A viewer that falls behind skips
 * to the next keyframe ({@link GopQueue}); its memory stays within one group of pictures. The init
 * segment says {@code avc3}: keyframes carry their parameter sets, so the stream goes on when the
 * camera's picture size or encoder changes (a camera's own H.264 and the placeholders in between).
 */
public final class Mp4Viewer extends HttpViewer {

    public static final String CONTENT_TYPE = "video/mp4";

    private final GopQueue queue;
    // Touched only by the writer.
    private VideoTrack track;

    /**
     * @param out          the response's output stream; this viewer sets itself as its write listener in {@link #start}
     * @param complete     completes the async request ({@code AsyncContext::complete}); called once
     * @param maxGopFrames frames that may wait at most: a group of pictures and some
     */
    public Mp4Viewer(String camera, String client, ServletOutputStream out, Runnable complete, Broadcaster video,
                     long stallNanos, int maxGopFrames) {
        super(camera, client, out, complete, video, stallNanos, 0);
        this.queue = new GopQueue(maxGopFrames, 64L << 20);
    }

    @Override
    public void start() {
        broadcaster.requestKeyframe();
        super.start();
    }

    @Override
    public boolean offer(Frame frame) {
        if (closed()) {
            return false;
        }
        int skipped = queue.put(frame);
        broadcaster.countSkipped(skipped);
        stats.skipped(skipped);
        return !queue.isEmpty() && wake();
    }

    @Override
    byte[] next() {
        Frame f = queue.take();
        if (f == null) {
            return null;
        }
        byte[] bytes = f.part();
        if (f.track() != track) {
            // A new track begins at a keyframe that carries its parameter sets (avc3): the stream goes on.
            boolean first = track == null;
            track = f.track();
            if (!first) {
                stats.sent(f, bytes.length);
                return bytes;
            }
            byte[] init = track.playerInit();
            bytes = Arrays.copyOf(init, init.length + bytes.length);
            System.arraycopy(f.part(), 0, bytes, init.length, f.part().length);
        }
        stats.sent(f, bytes.length);
        return bytes;
    }

    @Override
    boolean hasPending() {
        return !queue.isEmpty();
    }

    @Override
    void clearPending() {
        queue.clear();
    }
}
