package camstream.record;

import camstream.stream.Frame;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last pictures, kept in memory while nothing is recorded, so that a recording can begin before
 * what started it. For H.264 whole groups of pictures: from a keyframe at least {@code micros} old on
 * (a player needs one to start); for JPEG pictures, those of the last {@code micros}. Bounded in bytes.
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

    /** The pictures kept, oldest first (for H.264 from a keyframe, or empty), and none kept any more. */
    List<Frame> take() {
        List<Frame> out = new ArrayList<>(frames);
        frames.clear();
        bytes = 0;
        while (!out.isEmpty() && out.get(0).track() != null && !out.get(0).keyframe()) {
            out.remove(0);
        }
        return out;
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
