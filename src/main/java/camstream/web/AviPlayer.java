package camstream.web;

import camstream.source.AviFrames;
import camstream.stream.Multipart;
import camstream.stream.Via;
import jakarta.servlet.AsyncContext;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An MJPEG AVI recording played as {@code multipart/x-mixed-replace} (which an {@code <img>} shows,
 * as it shows a live stream) from the picture it was opened at to the end, at the recorded rate. The
 * pictures are sent as stored, without decoding. The transfers' thread reads the next picture at each
 * tick, only when the last one was taken: a slow client sees the recording slower, never skipped,
 * and no more than one picture waits.
 */
final class AviPlayer extends RecordingWriter {

    private static final Logger LOG = Logger.getLogger(AviPlayer.class.getName());
    static final double DEFAULT_FPS = 10;

    private final AviFrames frames;
    private final Instant start;
    private final double fps;
    private final AtomicReference<byte[]> pending = new AtomicReference<>();
    private volatile boolean ended;
    private volatile ScheduledFuture<?> ticks;
    // Touched only by the transfers' thread.
    private boolean first = true;

    /**
     * @param frames the recording, at the picture to start with; closed with this player
     * @param start  when the recording's first picture was taken, for each picture's {@code X-Timestamp}
     */
    AviPlayer(String client, AsyncContext async, Transfers transfers, long stallNanos, AviFrames frames, Instant start)
            throws IOException {
        super(client, async, transfers, stallNanos);
        this.frames = frames;
        this.start = start;
        this.fps = rate(frames.fps());
    }

    /** A file's rate as played: its header's, or {@link #DEFAULT_FPS} when that is missing or absurd. */
    static double rate(double fps) {
        return fps >= 0.1 && fps <= 240 ? fps : DEFAULT_FPS;
    }

    @Override
    void start() {
        super.start();
        ticks = transfers().every(Math.round(1e6 / fps), this::advance);
        if (closed()) {
            ticks.cancel(false);
        }
    }

    /** One tick: offers the picture held and reads the next, unless the client has not taken the last yet. */
    private void advance() {
        if (closed()) {
            ticks.cancel(false);
            return;
        }
        try {
            if (pending.get() != null) {
                return;
            }
            if (!ended) {
                pending.set(part());
                ended = !frames.next();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Reading a recording for " + client + " failed");
            close("the recording could not be read: " + e.getClass().getSimpleName());
            return;
        }
        if (wake()) {
            drain();
        }
    }

    private byte[] part() {
        long micros = start.getEpochSecond() * 1_000_000 + start.getNano() / 1000
                + Math.round(frames.index() * 1e6 / fps);
        byte[] part = Multipart.part(frames.jpeg(), frames.length(), micros, Via.NONE);
        if (!first) {
            return part;
        }
        first = false;
        byte[] preamble = Multipart.preamble();
        byte[] opening = new byte[preamble.length + part.length];
        System.arraycopy(preamble, 0, opening, 0, preamble.length);
        System.arraycopy(part, 0, opening, preamble.length, part.length);
        return opening;
    }

    @Override
    byte[] next() {
        byte[] part = pending.getAndSet(null);
        if (part == null && ended) {
            close("played to the end");
        }
        return part;
    }

    @Override
    boolean hasPending() {
        return pending.get() != null || ended;
    }

    @Override
    void release() {
        ScheduledFuture<?> t = ticks;
        if (t != null) {
            t.cancel(false);
        }
        pending.set(null);
        try {
            frames.close();
        } catch (IOException e) {
            // only read
        }
    }
}
