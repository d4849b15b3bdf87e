package camstream.it.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many HLS players of one media playlist, on one selector thread ({@link HttpConnections}; no thread per player). A
 * low-latency player does what an LL-HLS player at the live edge does: a blocking playlist reload for
 * the next part ({@code _HLS_msn}, {@code _HLS_part}), then that part, over and over; a plain one reloads
 * the playlist every half target duration and fetches each new whole segment. Each counts what it got
 * and how old the newest picture of each part or segment was when it arrived: the playlist's
 * PROGRAM-DATE-TIME is the capture time of a segment's first picture.
 */
public final class HlsPlayers implements AutoCloseable {

    private static final Pattern MEDIA_SEQUENCE = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)");
    private static final Pattern TARGET = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)");
    private static final Pattern MAP = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");
    private static final Pattern ATTR_URI = Pattern.compile("URI=\"([^\"]+)\"");
    private static final Pattern ATTR_DURATION = Pattern.compile("DURATION=([0-9.]+)");

    private final URI playlist;
    private final HttpConnections http;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hls-players-timer");
        t.setDaemon(true);
        return t;
    });
    private final List<Player> players = new ArrayList<>();
    private final ConcurrentLinkedQueue<Long> partAges = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> segmentAges = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean closed;

    public HlsPlayers(URI playlist) throws IOException {
        this.playlist = playlist;
        this.http = new HttpConnections(new InetSocketAddress(playlist.getHost(), playlist.getPort()));
    }

    /**
     * Starts {@code lowLatency} LL-HLS players and {@code plain} ones (every fifth, while they last), one every
     * {@code spacing} as an audience arrives.
     */
    public void start(int lowLatency, int plain, Duration spacing) {
        for (int i = 0; i < lowLatency + plain; i++) {
            Player p = new Player(i % 5 != 0 || i / 5 >= plain);
            players.add(p);
            timer.schedule(() -> p.load(playlist.getRawPath()), spacing.toNanos() * i, TimeUnit.NANOSECONDS);
        }
    }

    /** Parts or segments each player received so far, sorted. */
    public long[] media() {
        return players.stream().mapToLong(p -> p.media.get()).sorted().toArray();
    }

    /** Requests sent by all players so far. */
    public long requests() {
        return requests.get();
    }

    /**
     * Milliseconds from the capture of the last picture of a part (at LL-HLS players) or a segment (at plain
     * ones) until the player had all of it, sorted.
     */
    public long[] agesMillis(boolean parts) {
        long[] all = (parts ? partAges : segmentAges).stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(all);
        return all;
    }

    /** What the players without media so far last asked for, for a failure message. */
    public List<String> waiting() {
        long now = System.nanoTime();
        return players.stream().filter(p -> p.media.get() == 0).map(p -> (p.lowLatency ? "LL " : "plain ") + p.lastPath
                + " asked " + (now - p.lastAt) / 1_000_000 + " ms ago").limit(10).toList();
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        timer.shutdownNow();
        http.close();
    }

    /** One player: one connection, one request at a time, each sent when the one before was answered. */
    private final class Player {
        final boolean lowLatency;
        final HttpConnections.Connection connection = http.connection();
        final AtomicLong media = new AtomicLong();
        volatile String lastPath;
        volatile long lastAt;
        boolean initFetched;
        /** The newest part (or segment, for a plain player) fetched: media sequence number and part index. */
        long msn = -1;
        int part = -1;

        Player(boolean lowLatency) {
            this.lowLatency = lowLatency;
        }

        void get(String path, java.util.function.Consumer<byte[]> then) {
            if (closed) {
                return;
            }
            lastPath = path;
            lastAt = System.nanoTime();
            requests.incrementAndGet();
            connection.get(path, (status, body, failure) -> {
                if (failure != null || status != 200) {
                    errors.add(failure != null ? failure : path + " answered " + status);
                    return;
                }
                then.accept(body);
            });
        }

        void load(String path) {
            get(path, body -> received(Playlist.parse(new String(body, StandardCharsets.UTF_8))));
        }

        /** Fetches what is new in the playlist, one after another, then asks for the next playlist. */
        void received(Playlist p) {
            Deque<Runnable> queue = new ArrayDeque<>();
            if (!initFetched && p.map != null) {
                initFetched = true;
                queue.add(() -> get(resolve(p.map), b -> queue.poll().run()));
            }
            List<Media> list = lowLatency ? p.parts : p.segments;
            for (Media m : list) {
                boolean newer = m.msn > msn || (m.msn == msn && m.part > part);
                // A player joining starts at the newest; after that it takes every one.
                if (msn < 0 ? m == last(list) : newer) {
                    msn = m.msn;
                    part = m.part;
                    queue.add(() -> get(resolve(m.uri), b -> {
                        media.incrementAndGet();
                        if (m.end != null) {
                            (lowLatency ? partAges : segmentAges).add(Duration.between(m.end, Instant.now()).toMillis());
                        }
                        queue.poll().run();
                    }));
                }
            }
            queue.add(() -> next(p));
            queue.poll().run();
        }

        private void next(Playlist p) {
            if (lowLatency) {
                // The part after the newest listed one; a server that ended the segment there gives the next segment's first.
                Media newest = last(p.parts);
                long nextMsn = newest == null || newest.msn < p.nextMsn ? p.nextMsn : newest.msn;
                int nextPart = newest == null || newest.msn < p.nextMsn ? 0 : newest.part + 1;
                load(playlist.getRawPath() + "?_HLS_msn=" + nextMsn + "&_HLS_part=" + nextPart);
            } else if (!closed) {
                timer.schedule(() -> load(playlist.getRawPath()), Math.max(100, p.targetSeconds * 500L), TimeUnit.MILLISECONDS);
            }
        }

        private String resolve(String uri) {
            return playlist.resolve(uri).getRawPath() + (uri.contains("?") ? uri.substring(uri.indexOf('?')) : "");
        }
    }

    private static <T> T last(List<T> list) {
        return list.isEmpty() ? null : list.get(list.size() - 1);
    }

    /** A part (index 0 and up) or a whole segment (part -1), with the capture time its last picture ends at, if known. */
    record Media(long msn, int part, String uri, Instant end) {
    }

    /** What a player reads from a media playlist. */
    record Playlist(String map, int targetSeconds, List<Media> segments, List<Media> parts, long nextMsn) {

        static Playlist parse(String text) {
            String map = find(MAP, text);
            String target = find(TARGET, text);
            String sequence = find(MEDIA_SEQUENCE, text);
            long msn = sequence == null ? 0 : Long.parseLong(sequence);
            List<Media> segments = new ArrayList<>();
            List<Media> parts = new ArrayList<>();
            Instant time = null;
            int partIndex = 0;
            double extinf = -1;
            for (String line : text.split("\n")) {
                line = line.strip();
                if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                    time = OffsetDateTime.parse(line.substring(line.indexOf(':') + 1)).toInstant();
                } else if (line.startsWith("#EXT-X-PART:")) {
                    double d = Double.parseDouble(find(ATTR_DURATION, line));
                    Instant end = time == null ? null : time.plusNanos((long) (d * 1e9));
                    parts.add(new Media(msn, partIndex++, find(ATTR_URI, line), end));
                    time = end;
                } else if (line.startsWith("#EXTINF:")) {
                    extinf = Double.parseDouble(line.substring(8, line.indexOf(',') < 0 ? line.length() : line.indexOf(',')));
                } else if (!line.isEmpty() && !line.startsWith("#")) {
                    // A whole segment ends where its last part ended (or where its duration says).
                    Instant end = time;
                    if (partIndex == 0 && time != null && extinf >= 0) {
                        end = time.plusNanos((long) (extinf * 1e9));
                    }
                    segments.add(new Media(msn, -1, line, end));
                    time = end;
                    msn++;
                    partIndex = 0;
                    extinf = -1;
                }
            }
            return new Playlist(map, target == null ? 1 : Integer.parseInt(target), segments, parts, msn);
        }

        private static String find(Pattern p, String text) {
            Matcher m = p.matcher(text);
            return m.find() ? m.group(1) : null;
        }
    }
}
