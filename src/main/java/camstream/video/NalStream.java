package camstream.video;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads an Annex B byte stream as it arrives, in pieces of any size, and hands out each access unit
 * as soon as the first bytes of the next one show that it is whole ({@link AnnexB#accessUnits} for a
 * stream that never ends): a unit waits for nothing but the header of what follows it. A NAL unit
 * larger than the limit is a broken stream, not a picture.
 */
public final class NalStream {

    private final Codec codec;
    private final int maxNalBytes;
    private final Consumer<AccessUnit> out;
    private byte[] buf = new byte[64 * 1024];
    private int len;
    /** Where the NAL unit being read begins in {@code buf}, after its start code; -1 before the first start code. */
    private int nalStart = -1;
    /** Where to look for the next start code from. */
    private int scan;
    /** Whether the NAL unit being read was already looked at for whether it begins the next access unit. */
    private boolean headSeen;
    private final List<byte[]> unit = new ArrayList<>();
    private boolean unitHasSlice;
    private boolean unitKeyframe;
    private int unitBytes;

    public NalStream(Codec codec, int maxNalBytes, Consumer<AccessUnit> out) {
        this.codec = codec;
        this.maxNalBytes = maxNalBytes;
        this.out = out;
    }

    /** Takes the next {@code n} bytes of the stream. */
    public void feed(byte[] b, int off, int n) {
        if (len + n > buf.length) {
            int keep = nalStart < 0 ? Math.min(len, 3) : len - nalStart + 3;
            int from = len - keep;
            if (keep + n > buf.length) {
                if (keep + n > maxNalBytes + 8L) {
                    throw new IllegalStateException("a NAL unit of over " + maxNalBytes + " bytes");
                }
                byte[] bigger = new byte[Math.max(buf.length * 2, keep + n)];
                System.arraycopy(buf, from, bigger, 0, keep);
                buf = bigger;
            } else {
                System.arraycopy(buf, from, buf, 0, keep);
            }
            if (nalStart >= 0) {
                nalStart -= from;
            }
            scan = Math.max(0, scan - from);
            len = keep;
        }
        System.arraycopy(b, off, buf, len, n);
        len += n;
        for (int i = scan; i + 2 < len; i++) {
            if ((buf[i + 2] & 0xff) > 1) {
                i += 2;
            } else if (buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 1) {
                if (nalStart >= 0) {
                    nal(nalStart, i);
                }
                nalStart = i + 3;
                headSeen = false;
                i += 2;
            }
        }
        scan = Math.max(nalStart < 0 ? 0 : nalStart, len - 2);
        if (nalStart >= 0 && !headSeen && len - nalStart >= HEAD) {
            head(Arrays.copyOfRange(buf, nalStart, nalStart + HEAD));
        }
    }

    /** Bytes of a NAL unit that tell whether it begins an access unit: its header and the first bit after. */
    private static final int HEAD = 3;

    /** Hands out the unit read so far if the NAL unit that begins with {@code head} begins the next one. */
    private void head(byte[] head) {
        headSeen = true;
        if (unitHasSlice && (codec.startsPicture(head) || codec.startsUnit(head))) {
            out.accept(new AccessUnit(codec, unit, unitKeyframe, unitBytes));
            unit.clear();
            unitHasSlice = false;
            unitKeyframe = false;
            unitBytes = 0;
        }
    }

    /** The NAL unit in {@code buf[from, to)}, without the zero bytes before the next start code. */
    private void nal(int from, int to) {
        while (to > from && buf[to - 1] == 0) {
            to--;
        }
        if (to <= from) {
            return;
        }
        byte[] nal = Arrays.copyOfRange(buf, from, to);
        if (!headSeen) {
            head(nal);
        }
        unit.add(nal);
        unitBytes += nal.length;
        unitHasSlice |= codec.isSlice(nal);
        unitKeyframe |= codec.isKeyframe(nal);
    }
}
