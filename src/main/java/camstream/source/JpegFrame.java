package camstream.source;

/**
 * A picture as JPEG bytes, as a source delivered it.
 *
 * @param jpeg            the bytes; never changed once made
 * @param length          how many of them are the picture
 * @param timestampMicros when it was captured, microseconds since the epoch, or -1 when the source does not say
 */
public record JpegFrame(byte[] jpeg, int length, long timestampMicros) {
}
