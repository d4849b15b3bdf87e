package camstream.camera;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * What one camera counts since it started, for {@code /metrics} and {@code /status}. Written by the
 * capture thread, the encoder threads and the watchdog; read by anyone.
 */
public final class CameraCounters {

    final AtomicLong captured = new AtomicLong();
    final AtomicLong encoded = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong droppedEncodes = new AtomicLong();
    final AtomicLong opened = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong reopens = new AtomicLong();
    final AtomicLong passedThrough = new AtomicLong();
    final AtomicLong decoded = new AtomicLong();
    private final AtomicLong hlsRequests = new AtomicLong();
    private final AtomicLong videoEncoded = new AtomicLong();
    private final AtomicLong videoNanos = new AtomicLong();
    private final EncodeTimes encodeTimes = new EncodeTimes();
    private final EncodeTimes videoTimes = new EncodeTimes();
    /** Told each live picture's encode time, in nanoseconds, on the encoding thread: the metrics' histogram. */
    private volatile LongConsumer encodeObserver = n -> { };

    /** Pictures read from the source while someone watched, each transformed once and encoded once per stream. */
    public long captured() {
        return captured.get();
    }

    /** JPEG encodes: of the main stream, of every variant, and of placeholders. */
    public long encoded() {
        return encoded.get();
    }

    /** Pictures not sent because they were byte for byte the one before ({@code dropDuplicates}). */
    public long duplicates() {
        return duplicates.get();
    }

    /** Encodes not made because a newer picture of the same stream came before an encoder was free. */
    public long droppedEncodes() {
        return droppedEncodes.get();
    }

    /** How many times the source was opened. */
    public long opened() {
        return opened.get();
    }

    /** How many sessions of the capture loop ended in a failure. */
    public long failures() {
        return failures.get();
    }

    /** How many times the source was opened again after a failure. */
    public long reopens() {
        return reopens.get();
    }

    /** Mean and 99th percentile of the recent encodes of live pictures (all streams). */
    public EncodeTimes.Summary encodeTimes() {
        return encodeTimes.summary();
    }

    /** Pictures of the camera's own H.264 sent to its H.264 stream as they came, with no decode and no encode. */
    public long passedThrough() {
        return passedThrough.get();
    }

    /** Pictures of a camera that sends coded video decoded to pixels (for JPEG, variants, or H.265 made H.264). */
    public long decoded() {
        return decoded.get();
    }

    /** HLS requests that reached this server (playlists, segments, parts): behind a cache, far fewer than its clients make. */
    public long hlsRequests() {
        return hlsRequests.get();
    }

    public void countHlsRequest() {
        hlsRequests.incrementAndGet();
    }

    /** H.264 encodes of live pictures. */
    public long videoEncoded() {
        return videoEncoded.get();
    }

    /** Time spent in H.264 encodes of live pictures, in nanoseconds: the encoder's CPU. */
    public long videoEncodeNanos() {
        return videoNanos.get();
    }

    /** Mean and 99th percentile of the recent H.264 encodes of live pictures. */
    public EncodeTimes.Summary videoEncodeTimes() {
        return videoTimes.summary();
    }

    /** Also tell {@code observer} each live picture's encode time in nanoseconds (on an encoder thread; keep it cheap). */
    public void observeEncodes(LongConsumer observer) {
        this.encodeObserver = observer;
    }

    /** One live picture was encoded in {@code nanos}. */
    void encodedLive(long nanos) {
        encoded.incrementAndGet();
        encodeTimes.record(nanos);
        encodeObserver.accept(nanos);
    }

    /** One live picture was encoded to H.264 in {@code nanos}. */
    void encodedVideo(long nanos) {
        videoEncoded.incrementAndGet();
        videoNanos.addAndGet(nanos);
        videoTimes.record(nanos);
    }
}
