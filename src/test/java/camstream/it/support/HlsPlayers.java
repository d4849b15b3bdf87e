package camstream.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many HLS players of one media playlist, on one asynchronous HTTP client (no thread per player). A
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

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI playlist;
    private final List<Player> players = new ArrayList<>();
    private final ConcurrentLinkedQueue<Long> ages = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean closed;

    public HlsPlayers(URI playlist) {
        this.playlist = playlist;
    }

    /** Starts {@code lowLatency} LL-HLS players and {@code plain} ones. */
    public void start(int lowLatency, int plain) {
        for (int i = 0; i < lowLatency + plain; i++) {
            Player p = new Player(i < lowLatency);
            players.add(p);
            p.load(playlist);
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

    /** Milliseconds from the capture of a part's or segment's last picture until the player had all of it, sorted. */
    public long[] agesMillis() {
        long[] all = ages.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(all);
        return all;
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        closed = true;
    }

    private CompletableFuture<HttpResponse<byte[]>> get(URI uri) {
        requests.incrementAndGet();
        return http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(uri + " answered " + r.statusCode());
                    }
                    return r;
                });
    }

    /** One player: a chain of requests, each started when the one before completed. */
    private final class Player {
        final boolean lowLatency;
        final AtomicLong media = new AtomicLong();
        boolean initFetched;
        /** The newest part (or segment, for a plain player) fetched: media sequence number and part index. */
        long msn = -1;
        int part = -1;

        Player(boolean lowLatency) {
            this.lowLatency = lowLatency;
        }

        void load(URI uri) {
            if (closed) {
                return;
            }
            get(uri).thenCompose(r -> received(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)))
                    .whenComplete((next, e) -> {
                        if (e != null) {
                            errors.add(String.valueOf(e.getCause() != null ? e.getCause() : e));
                        } else {
                            load(next);
                        }
                    });
        }

        /** Fetches what is new in the playlist; completes with the next playlist request. */
        CompletableFuture<URI> received(String text) {
            Playlist p = Playlist.parse(text);
            List<CompletableFuture<?>> fetches = new ArrayList<>();
            if (!initFetched && p.map != null) {
                initFetched = true;
                fetches.add(get(playlist.resolve(p.map)));
            }
            for (Media m : lowLatency ? p.parts : p.segments) {
                boolean newer = m.msn > msn || (m.msn == msn && m.part > part);
                // A player joining starts at the newest; after that it takes every one.
                boolean wanted = msn < 0 ? m == last(lowLatency ? p.parts : p.segments) : newer;
                if (wanted) {
                    msn = m.msn;
                    part = m.part;
                    fetches.add(get(playlist.resolve(m.uri)).thenAccept(r -> {
                        media.incrementAndGet();
                        if (m.end != null) {
                            ages.add(Duration.between(m.end, Instant.now()).toMillis());
                        }
                    }));
                }
            }
            return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).thenCompose(v -> {
                if (lowLatency) {
                    // The part after the newest listed one; a server that ended the segment there gives the next segment's first.
                    long nextMsn = p.parts.isEmpty() ? p.nextMsn : p.parts.get(p.parts.size() - 1).msn;
                    int nextPart = p.parts.isEmpty() ? 0 : p.parts.get(p.parts.size() - 1).part + 1;
                    if (!p.parts.isEmpty() && p.parts.get(p.parts.size() - 1).msn < p.nextMsn) {
                        nextMsn = p.nextMsn;
                        nextPart = 0;
                    }
                    return CompletableFuture.completedFuture(URI.create(playlist + "?_HLS_msn=" + nextMsn + "&_HLS_part=" + nextPart));
                }
                long wait = Math.max(100, p.targetSeconds * 500L);
                return CompletableFuture.supplyAsync(() -> playlist,
                        CompletableFuture.delayedExecutor(wait, java.util.concurrent.TimeUnit.MILLISECONDS));
            });
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
