package camstream.encode;

/** Reads a JPEG's width and height from its frame header, for pictures passed through without decoding. */
public final class JpegSize {

    private JpegSize() {
    }

    /**
     * Returns {@code width << 32 | height} from the first start-of-frame marker of {@code jpeg[0, length)},
     * or 0 when there is none before the scan data or the bytes are not a JPEG.
     */
    public static long of(byte[] jpeg, int length) {
        if (length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            return 0;
        }
        int i = 2;
        while (i + 4 <= length) {
            if ((jpeg[i] & 0xFF) != 0xFF) {
                return 0;
            }
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
                i += 2; // markers without a length
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return 0; // scan data or the end came first
            }
            int segment = (jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF;
            boolean frameHeader = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frameHeader) {
                if (i + 9 > length || segment < 7) {
                    return 0;
                }
                long height = (jpeg[i + 5] & 0xFF) << 8 | jpeg[i + 6] & 0xFF;
                long width = (jpeg[i + 7] & 0xFF) << 8 | jpeg[i + 8] & 0xFF;
                return width << 32 | height;
            }
            if (segment < 2) {
                return 0;
            }
            i += 2 + segment;
        }
        return 0;
    }
}
