package camstream.source;

import camstream.stream.Via;

/**
 * A picture as JPEG bytes, as a source delivered it.
 *
 * @param jpeg            the bytes; never changed once made
 * @param length          how many of them are the picture
 * @param timestampMicros when it was captured, microseconds since the epoch, or -1 when the source does not say
 * @param via             the camstreams it passed through before this one (a relay's upstream said so), or NONE
 */
public record JpegFrame(byte[] jpeg, int length, long timestampMicros, Via via) {

    /** A picture made by the source itself. */
    public JpegFrame(byte[] jpeg, int length, long timestampMicros) {
        this(jpeg, length, timestampMicros, Via.NONE);
    }
}
