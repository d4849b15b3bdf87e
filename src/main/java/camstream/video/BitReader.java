package camstream.video;

/** Reads an H.264 NAL unit bit by bit after its header byte, skipping emulation prevention bytes ({@code 00 00 03}). */
final class BitReader {
    private final byte[] data;
    private int at = 1;
    private int bit;
    private int zeros;

    BitReader(byte[] data) {
        this.data = data;
    }

    int bits(int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            if (bit == 0 && zeros >= 2 && at < data.length && data[at] == 3) {
                at++;
                zeros = 0;
            }
            if (at >= data.length) {
                throw new IllegalArgumentException("the NAL unit ends too early");
            }
            int b = data[at] & 0xff;
            v = v << 1 | (b >> (7 - bit)) & 1;
            if (++bit == 8) {
                bit = 0;
                zeros = b == 0 ? zeros + 1 : 0;
                at++;
            }
        }
        return v;
    }

    int ue() {
        int leading = 0;
        while (bits(1) == 0) {
            if (++leading > 31) {
                throw new IllegalArgumentException("a NAL unit with a bad number");
            }
        }
        return (int) ((1L << leading) - 1 + (leading == 0 ? 0 : bits(leading) & 0xffffffffL));
    }

    int se() {
        int k = ue();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }
}
