package camstream.stream;

import java.util.ArrayDeque;

/**
 * The H.264 frames offered to one viewer and not yet written: unlike a picture, a frame cannot be
 * skipped alone, as the next ones refer to it. So a viewer starts at a keyframe, gets every frame
 * after it in order, and when it falls behind skips to the next keyframe: a keyframe that finds more
 * than {@link #BEHIND} frames still waiting replaces them, and frames that would make the queue hold
 * more than {@code maxFrames} or {@code maxBytes} are dropped with everything waiting, and the viewer
 * waits for the next keyframe. Memory per viewer stays within one group of pictures.
 *
 * <p>Offered by the publishing thread (one at a time, under the broadcaster's lock), taken by the
 * viewer's writer; each call is short and calls nothing outside.
 */
public final class GopQueue {

    /** Frames a viewer may have waiting when a keyframe comes and still get them: a write or two under way. */
    static final int BEHIND = 2;

    private final int maxFrames;
    private final long maxBytes;
    // Guarded by this.
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private long bytes;
    private boolean started;
    private long lastSequence = -1;

    /**
     * @param maxFrames frames waiting at most: a group of pictures and some
     * @param maxBytes  bytes waiting at most
     */
    public GopQueue(int maxFrames, long maxBytes) {
        if (maxFrames <= BEHIND) {
            throw new IllegalArgumentException("maxFrames must be over " + BEHIND + ", not " + maxFrames);
        }
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    /**
     * Adds {@code f} unless it cannot be decoded from here: a re-send (frames of a stream are sent
     * once), an older frame, or a frame before the first keyframe. Returns how many frames were skipped,
     * {@code f} counted if it was not added.
     */
    public synchronized int put(Frame f) {
        if (f.repeat() || f.sequence() <= lastSequence) {
            return 0;
        }
        lastSequence = f.sequence();
        if (f.keyframe()) {
            int skipped = 0;
            if (frames.size() > BEHIND) {
                skipped = frames.size();
                clear();
            }
            started = true;
            add(f);
            return skipped;
        }
        if (!started) {
            return 1;
        }
        if (frames.size() >= maxFrames || bytes + f.part().length > maxBytes) {
            int skipped = frames.size() + 1;
            clear();
            started = false;
            return skipped;
        }
        add(f);
        return 0;
    }

    private void add(Frame f) {
        frames.addLast(f);
        bytes += f.part().length;
    }

    /** The next frame to write, or null. */
    public synchronized Frame take() {
        Frame f = frames.pollFirst();
        if (f != null) {
            bytes -= f.part().length;
        }
        return f;
    }

    public synchronized boolean isEmpty() {
        return frames.isEmpty();
    }

    /** Whether the next frame this viewer can get is a keyframe. */
    public synchronized boolean waitingForKeyframe() {
        return !started;
    }

    public synchronized int size() {
        return frames.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized void clear() {
        frames.clear();
        bytes = 0;
    }
}
