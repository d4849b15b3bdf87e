package camstream.record;

import camstream.stream.Frame;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last pictures, kept in memory while nothing is recorded, so that a recording can begin before
 * what started it. For H.264 whole groups of pictures: from a keyframe at least {@code micros} old on
 * (a player needs one to start); for JPEG pictures, those of the last {@code micros}. Bounded in bytes.
 * A recording takes what it needs from a time of its own ({@link #take}): motion is seen a moment
 * after it began, and its pre-roll counts from when it began.
 */
final class PreRoll {

    /** Held at most whatever the length: a camera with huge pictures gets a shorter pre-roll. */
    static final long MAX_BYTES = 64L << 20;

    private final long micros;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private long bytes;

    PreRoll(long micros) {
        this.micros = micros;
    }

    void add(Frame f) {
        frames.addLast(f);
        bytes += f.part().length;
        trim(f.timestampMicros());
    }

    /**
     * The pictures kept from {@code fromMicros} on, oldest first (for H.264 from the last keyframe at or
     * before it, else the first one; empty without a keyframe), and none kept any more.
     */
    List<Frame> take(long fromMicros) {
        List<Frame> out = new ArrayList<>(frames);
        frames.clear();
        bytes = 0;
        int begin = 0;
        if (!out.isEmpty() && out.get(out.size() - 1).track() != null) {
            begin = -1;
            for (int i = 0; i < out.size(); i++) {
                Frame f = out.get(i);
                if (f.keyframe() && (begin < 0 || f.timestampMicros() <= fromMicros)) {
                    begin = i;
                } else if (begin >= 0 && f.timestampMicros() > fromMicros) {
                    break;
                }
            }
            if (begin < 0) {
                return List.of();
            }
        } else {
            while (begin < out.size() - 1 && out.get(begin).timestampMicros() < fromMicros) {
                begin++;
            }
        }
        return out.subList(begin, out.size());
    }

    void clear() {
        frames.clear();
        bytes = 0;
    }

    int size() {
        return frames.size();
    }

    private void trim(long newest) {
        boolean video = frames.peekLast().track() != null;
        if (!video) {
            while (frames.size() > 1 && (newest - frames.peekFirst().timestampMicros() > micros || bytes > MAX_BYTES)) {
                drop();
            }
            return;
        }
        // Drop the oldest group while the next keyframe is old enough to begin the pre-roll on its own.
        while (true) {
            Frame next = null;
            boolean first = true;
            for (Frame f : frames) {
                if (!first && f.keyframe()) {
                    next = f;
                    break;
                }
                first = false;
            }
            boolean headUseless = !frames.peekFirst().keyframe();
            if (next == null || !(headUseless || newest - next.timestampMicros() >= micros || bytes > MAX_BYTES)) {
                break;
            }
            while (frames.peekFirst() != next) {
                drop();
            }
        }
        if (frames.size() > 1 && !frames.peekFirst().keyframe() && bytes > MAX_BYTES) {
            clear();
        }
    }

    private void drop() {
        bytes -= frames.removeFirst().part().length;
    }
}
