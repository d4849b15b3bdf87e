package camstream.stream;

/**
 * One encoded picture, immutable and shared by every viewer: the multipart part (headers, JPEG,
 * following delimiter) is built once, and a snapshot serves the JPEG slice of the same array.
 */
public final class Frame {

    private final long sequence;
    private final long timestampMicros;
    private final byte[] part;
    private final int jpegOffset;
    private final int jpegLength;
    private final boolean placeholder;
    private volatile byte[] openingPart;

    public Frame(long sequence, long timestampMicros, byte[] jpeg, int jpegLength, boolean placeholder) {
        this.sequence = sequence;
        this.timestampMicros = timestampMicros;
        this.part = Multipart.part(jpeg, jpegLength, timestampMicros);
        this.jpegOffset = Multipart.jpegOffset(jpegLength, timestampMicros);
        this.jpegLength = jpegLength;
        this.placeholder = placeholder;
    }

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
            o = java.util.Arrays.copyOf(preamble, preamble.length + part.length);
            System.arraycopy(part, 0, o, preamble.length, part.length);
            openingPart = o;
        }
        return o;
    }

    public int jpegOffset() {
        return jpegOffset;
    }

    public int jpegLength() {
        return jpegLength;
    }

    /** A copy of the JPEG bytes. */
    public byte[] jpeg() {
        byte[] copy = new byte[jpegLength];
        System.arraycopy(part, jpegOffset, copy, 0, jpegLength);
        return copy;
    }

    /** True for a generated picture that explains why there is no live image. */
    public boolean placeholder() {
        return placeholder;
    }
}
