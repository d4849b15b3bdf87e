package camstream.hls;

import camstream.stream.VideoTrack;
import camstream.video.Fmp4;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One H.264 stream cut into HLS media segments and their partial segments (LL-HLS), as its fMP4
 * fragments come: a segment begins at a keyframe once the one before lasts {@link #SEGMENT_MICROS}, a
 * part ends before it would pass {@link #PART_TARGET_MICROS} (parts but a segment's last last at least
 * 85 % of it, as LL-HLS asks, so a keyframe inside a segment does not end one). Parts are the
 * fragments as the camera's other viewers get them, so segments cost no encode and no copy but one.
 * The newest segments are kept in memory, a few more than the playlist lists, for a client that read an
 * older playlist. Thread-safe: one thread adds, any thread reads.
 */
public final class Segmenter {

    static final long PART_TARGET_MICROS = 500_000;
    static final long SEGMENT_MICROS = 2_000_000;
    /** Complete segments the playlist lists: 12 s, three times the hold-back a plain player keeps. */
    static final int WINDOW = 6;
    /** Segments kept past the window, for a client that read an older playlist. */
    private static final int KEPT_PAST_WINDOW = 3;
    /** A stream without keyframes is still cut, however a player copes, so that memory stays bounded. */
    private static final long LONGEST_SEGMENT_MICROS = 6 * SEGMENT_MICROS;
    private static final int MICROS = 1_000_000;

    /** One partial segment: one or more whole fragments. */
    record Part(int index, long durationMicros, boolean independent, byte[] bytes) {
    }

    /** One media segment, complete or in the making; changes only under the segmenter's lock. */
    static final class Segment {
        final long msn;
        final int map;
        final boolean discontinuity;
        /** Wall-clock capture time of its first picture, microseconds since the epoch. */
        final long startMicros;
        final List<Part> parts = new ArrayList<>();
        long durationMicros;
        boolean complete;
        /** All its parts in one, once complete. */
        byte[] bytes;

        Segment(long msn, int map, boolean discontinuity, long startMicros) {
            this.msn = msn;
            this.map = map;
            this.discontinuity = discontinuity;
            this.startMicros = startMicros;
        }
    }

    /** What {@link #add} did: whether anything new can be read, and whether the next picture should be a keyframe. */
    public record Added(boolean published, boolean keyframeWanted) {
        static final Added NOTHING = new Added(false, false);
    }

    private final String epoch;
    private final Deque<Segment> segments = new ArrayDeque<>();
    private final Map<Integer, VideoTrack> maps = new HashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private Segment current;
    private VideoTrack track;
    private int mapCount;
    private long nextMsn;
    /** Discontinuities that left the playlist's window. */
    private long discontinuitiesGone;
    private long longestMicros = SEGMENT_MICROS;
    // The part in the making.
    private final List<byte[]> fragments = new ArrayList<>();
    private long partMicros;
    private boolean partIndependent;
    private long version;
    private boolean ended;

    /** A request held until what it asks for exists. */
    private record Waiter(long msn, int part, Runnable wake) {
    }

    /** @param epoch names this stream in its URIs: no URI of it means anything else, in any cache, ever */
    public Segmenter(String epoch) {
        this.epoch = epoch;
    }

    public String epoch() {
        return epoch;
    }

    /**
     * Takes the stream's next fragment. Fragments before the first keyframe are dropped. Returns what
     * changed; when something was published, {@link #takeReady} gives the requests now answerable.
     */
    public synchronized Added add(byte[] fragment, boolean keyframe, VideoTrack fragmentTrack, long captureMicros) {
        if (ended || (current == null && !keyframe)) {
            return Added.NOTHING;
        }
        long duration = Fmp4.fragmentDuration(fragment);
        boolean published = false;
        boolean newTrack = fragmentTrack != track;
        if (current == null || (keyframe && (newTrack || current.durationMicros + partMicros >= SEGMENT_MICROS - duration / 2))
                || current.durationMicros + partMicros >= LONGEST_SEGMENT_MICROS) {
            published = endSegment();
            startSegment(fragmentTrack, newTrack, captureMicros);
        } else if (partMicros > 0 && partMicros + duration > PART_TARGET_MICROS) {
            published = endPart();
        }
        if (fragments.isEmpty()) {
            partIndependent = keyframe;
        }
        fragments.add(fragment);
        partMicros += duration;
        // The next picture would not fit: end the part now rather than when it comes.
        if (partMicros + duration > PART_TARGET_MICROS) {
            published |= endPart();
        }
        boolean wantKeyframe = current.durationMicros + partMicros + duration >= SEGMENT_MICROS;
        return published || wantKeyframe ? new Added(published, wantKeyframe) : Added.NOTHING;
    }

    private void startSegment(VideoTrack fragmentTrack, boolean newTrack, long captureMicros) {
        boolean discontinuity = false;
        if (newTrack) {
            discontinuity = track != null;
            track = fragmentTrack;
            maps.put(++mapCount, track);
        }
        current = new Segment(nextMsn++, mapCount, discontinuity, captureMicros);
        segments.addLast(current);
        while (segments.size() > WINDOW + KEPT_PAST_WINDOW + 1) {
            if (segments.removeFirst().discontinuity) {
                discontinuitiesGone++;
            }
        }
        int oldestMap = segments.getFirst().map;
        maps.keySet().removeIf(m -> m < oldestMap);
    }

    private boolean endSegment() {
        if (current == null) {
            return false;
        }
        endPart();
        current.complete = true;
        current.bytes = concat(current.parts.stream().map(Part::bytes).toList());
        longestMicros = Math.max(longestMicros, current.durationMicros);
        version++;
        return true;
    }

    private boolean endPart() {
        if (fragments.isEmpty()) {
            return false;
        }
        current.parts.add(new Part(current.parts.size(), partMicros, partIndependent, concat(fragments)));
        current.durationMicros += partMicros;
        fragments.clear();
        partMicros = 0;
        version++;
        return true;
    }

    private static byte[] concat(List<byte[]> pieces) {
        int size = 0;
        for (byte[] p : pieces) {
            size += p.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** The held requests that can now be answered, each to be woken once, outside any lock. */
    public synchronized List<Runnable> takeReady() {
        List<Runnable> ready = new ArrayList<>();
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (ended || has(w.msn, w.part)) {
                ready.add(w.wake);
                it.remove();
            }
        }
        return ready;
    }

    /**
     * Holds {@code wake} until part {@code part} of segment {@code msn} exists (part -1: the whole
     * segment), or the stream ends. Returns false, holding nothing, if that is already so.
     */
    public synchronized boolean await(long msn, int part, Runnable wake) {
        if (ended || has(msn, part)) {
            return false;
        }
        waiters.add(new Waiter(msn, part, wake));
        return true;
    }

    /** Forgets a held request that is answered otherwise (it timed out). */
    public synchronized void cancel(Runnable wake) {
        waiters.removeIf(w -> w.wake == wake);
    }

    /** Ends the stream: nothing more is added, and every held request is returned to be woken. */
    public synchronized List<Runnable> end() {
        ended = true;
        List<Runnable> all = new ArrayList<>();
        for (Waiter w : waiters) {
            all.add(w.wake);
        }
        waiters.clear();
        return all;
    }

    public synchronized boolean ended() {
        return ended;
    }

    /**
     * Whether part {@code part} of segment {@code msn} exists (part -1: the whole segment is complete), as
     * a blocking playlist reload asks it: every segment before the one in the making is complete, and a
     * part past the end of a complete segment is there when the next segment began.
     */
    public synchronized boolean has(long msn, int part) {
        if (current == null) {
            return false;
        }
        if (msn != current.msn) {
            return msn < current.msn;
        }
        return part < 0 ? current.complete : part < current.parts.size();
    }

    /** Whether segment {@code msn} may still come: it is in the making, or next. */
    public synchronized boolean soon(long msn) {
        long newest = current == null ? -1 : current.msn;
        return !ended && msn >= newest && msn <= newest + 1;
    }

    /** A complete segment's bytes, or null. */
    public synchronized byte[] segment(long msn) {
        Segment s = find(msn);
        return s == null || !s.complete ? null : s.bytes;
    }

    /** A part's bytes, or null. */
    public synchronized byte[] part(long msn, int index) {
        Segment s = find(msn);
        return s == null || index < 0 || index >= s.parts.size() ? null : s.parts.get(index).bytes;
    }

    /** Whether part {@code index} of segment {@code msn} may still come: its segment is in the making, or next. */
    public synchronized boolean partSoon(long msn, int index) {
        if (!soon(msn) || index < 0 || index > LONGEST_SEGMENT_MICROS / PART_TARGET_MICROS) {
            return false;
        }
        return current == null || msn > current.msn || index >= current.parts.size();
    }

    /** An init segment the playlist names, or null. */
    public synchronized byte[] init(int map) {
        VideoTrack t = maps.get(map);
        return t == null ? null : t.init();
    }

    /** The newest complete segment's sequence number, or -1 before there is one. */
    public synchronized long lastComplete() {
        for (Iterator<Segment> it = segments.descendingIterator(); it.hasNext(); ) {
            Segment s = it.next();
            if (s.complete) {
                return s.msn;
            }
        }
        return -1;
    }

    /** The segment in the making's sequence number, or -1 before the first keyframe. */
    public synchronized long newest() {
        return current == null ? -1 : current.msn;
    }

    /** The target duration a playlist states: whole seconds, at least the longest segment so far, rounded as EXTINF is. */
    public synchronized int targetSeconds() {
        return (int) ((longestMicros + MICROS / 2) / MICROS);
    }

    /**
     * The media playlist as it stands. Only complete segments are listed as segments; the parts of the
     * newest three are listed for low-latency players, and the part to come is hinted.
     *
     * @param query appended to every URI (e.g. {@code ?token=...}), or ""
     */
    public synchronized String playlist(String query) {
        List<Segment> listed = new ArrayList<>();
        int complete = 0;
        for (Iterator<Segment> it = segments.descendingIterator(); it.hasNext(); ) {
            Segment s = it.next();
            if (s.complete && ++complete > WINDOW) {
                break;
            }
            listed.add(0, s);
        }
        long gone = discontinuitiesBefore(listed.isEmpty() ? nextMsn : listed.get(0).msn);
        return Playlist.render(epoch, query, targetSeconds(), listed, gone, current == null ? 0 : current.parts.size());
    }

    private long discontinuitiesBefore(long msn) {
        long n = discontinuitiesGone;
        for (Segment s : segments) {
            if (s.msn < msn && s.discontinuity) {
                n++;
            }
        }
        return n;
    }

    /** Changes whenever the playlist would: a part or segment was published. */
    public synchronized long version() {
        return version;
    }

    private Segment find(long msn) {
        for (Segment s : segments) {
            if (s.msn == msn) {
                return s;
            }
        }
        return null;
    }
}
