package camstream.stream;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * One encoded picture, immutable and shared by every viewer: the multipart part (headers, JPEG,
 * following delimiter) is built once, and a snapshot serves the JPEG slice of the same array. The
 * WebSocket message is built once too, the first time a socket asks for it.
 * Frames are made by {@link Broadcaster#publish}, which numbers them.
 *
 * <p>A video frame ({@link #track} not null, made by {@link Broadcaster#publishVideo}) is one H.264
 * picture as an fMP4 fragment (moof and mdat): {@link #part} is the fragment, there is no JPEG, and a
 * viewer may start only at a {@link #keyframe}.
 */
public final class Frame {

    private final long sequence;
    private final long timestampMicros;
    private final byte[] part;
    private final int jpegOffset;
    private final int jpegLength;
    private final boolean placeholder;
    private final Via via;
    /** {@link System#nanoTime()} at capture, for the capture-to-send time. */
    private final long captureNanos;
    /** True for an earlier frame under a new number ({@link #again}). */
    private final boolean repeat;
    private final VideoTrack track;
    private final boolean keyframe;
    private volatile byte[] openingPart;
    private volatile byte[] socketMessage;

    Frame(long sequence, long timestampMicros, byte[] jpeg, int jpegLength, boolean placeholder, Via via) {
        this.sequence = sequence;
        this.timestampMicros = timestampMicros;
        this.part = Multipart.part(jpeg, jpegLength, timestampMicros, via);
        this.jpegOffset = Multipart.jpegOffset(part, jpegLength);
        this.jpegLength = jpegLength;
        this.placeholder = placeholder;
        this.via = via;
        this.captureNanos = captureNanos(timestampMicros);
        this.repeat = false;
        this.track = null;
        this.keyframe = true;
    }

    Frame(long sequence, long timestampMicros, VideoTrack track, byte[] fragment, boolean keyframe, boolean placeholder,
          Via via) {
        this.sequence = sequence;
        this.timestampMicros = timestampMicros;
        this.part = fragment;
        this.jpegOffset = 0;
        this.jpegLength = 0;
        this.placeholder = placeholder;
        this.via = via;
        this.captureNanos = captureNanos(timestampMicros);
        this.repeat = false;
        this.track = track;
        this.keyframe = keyframe;
    }

    private static long captureNanos(long timestampMicros) {
        long ageMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) - timestampMicros;
        return System.nanoTime() - Math.max(0, ageMicros) * 1000;
    }

    private Frame(Frame same, long sequence) {
        this.sequence = sequence;
        this.timestampMicros = same.timestampMicros;
        this.part = same.part;
        this.jpegOffset = same.jpegOffset;
        this.jpegLength = same.jpegLength;
        this.placeholder = same.placeholder;
        this.via = same.via;
        this.openingPart = same.openingPart;
        this.socketMessage = same.socketMessage;
        this.captureNanos = same.captureNanos;
        this.repeat = true;
        this.track = same.track;
        this.keyframe = same.keyframe;
    }

    /**
     * The same picture and bytes under a new sequence number: a keep-alive, or a picture a viewer's
     * fps cap held back until it was due (a keep-alive may have been numbered since).
     */
    Frame again(long newSequence) {
        return new Frame(this, newSequence);
    }

    /** Order of publication; a viewer never writes a frame older than the last it wrote. */
    public long sequence() {
        return sequence;
    }

    /** Capture time, microseconds since the epoch. */
    public long timestampMicros() {
        return timestampMicros;
    }

    /** The bytes to write to a stream; never modify them. */
    public byte[] part() {
        return part;
    }

    /** The stream's opening delimiter followed by {@link #part()}: a stream's first write. Built once, when first asked. */
    public byte[] openingPart() {
        byte[] o = openingPart;
        if (o == null) {
            // Two threads may both build it; the copies are equal.
            byte[] preamble = Multipart.preamble();
            o = Arrays.copyOf(preamble, preamble.length + part.length);
            System.arraycopy(part, 0, o, preamble.length, part.length);
            openingPart = o;
        }
        return o;
    }

    /**
     * The WebSocket message for this picture ({@link SocketMessage}: the JPEG, or the fMP4 fragment of a
     * video frame), built once, when first asked, and then handed to every socket that shows this camera. {@code prefix} is this camera's
     * {@link SocketMessage#prefix}: every frame of a broadcaster belongs to the same camera.
     */
    public byte[] socketMessage(byte[] prefix) {
        byte[] m = socketMessage;
        if (m == null) {
            // Two threads may both build it; the copies are equal.
            m = track == null ? SocketMessage.message(prefix, timestampMicros, part, jpegOffset, jpegLength)
                    : SocketMessage.message(prefix, timestampMicros, part, 0, part.length);
            socketMessage = m;
        }
        return m;
    }

    public int jpegOffset() {
        return jpegOffset;
    }

    public int jpegLength() {
        return jpegLength;
    }

    /** A copy of the JPEG bytes. */
    public byte[] jpeg() {
        return Arrays.copyOfRange(part, jpegOffset, jpegOffset + jpegLength);
    }

    /** {@link System#nanoTime()} when the picture was captured (converted from its timestamp). */
    public long captureNanos() {
        return captureNanos;
    }

    /**
     * True for a keep-alive, or a picture sent once a viewer's fps cap let it: either waited on
     * purpose, so its capture-to-send time says nothing about the server and is not counted.
     */
    public boolean repeat() {
        return repeat;
    }

    /** The camstreams this picture passed through, named in its part. */
    public Via via() {
        return via;
    }

    /** The H.264 stream of a video frame; null for a JPEG picture. */
    public VideoTrack track() {
        return track;
    }

    /** Whether a viewer can start at this frame: every JPEG picture, and an H.264 IDR picture. */
    public boolean keyframe() {
        return keyframe;
    }

    /** True for a generated picture that explains why there is no live image. */
    public boolean placeholder() {
        return placeholder;
    }
}
