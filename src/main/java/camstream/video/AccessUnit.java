package camstream.video;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One picture of a camera's coded stream, with the parameter sets and SEI sent before it: its NAL
 * units without start codes, each in an array of its own. Never changed once made.
 */
public record AccessUnit(Codec codec, List<byte[]> nals, boolean keyframe, int bytes) {

    public AccessUnit {
        nals = List.copyOf(nals);
    }

    /** The last NAL unit of an H.264 type ({@link AnnexB#SPS}, {@link AnnexB#PPS}) in this unit, or null. */
    public byte[] lastOfType(int type) {
        return last(n -> codec.type(n) == type);
    }

    /** The last sequence parameter set in this unit, or null. */
    public byte[] sps() {
        return last(codec::isSps);
    }

    private byte[] last(Predicate<byte[]> which) {
        byte[] found = null;
        for (byte[] n : nals) {
            if (which.test(n)) {
                found = n;
            }
        }
        return found;
    }

    /** The unit as an MP4 sample: {@link AnnexB#toAvcc} of its NAL units. */
    public byte[] toAvcc() {
        List<AnnexB.Nal> list = new ArrayList<>(nals.size());
        for (byte[] n : nals) {
            list.add(new AnnexB.Nal(n, 0, n.length));
        }
        return AnnexB.toAvcc(list);
    }

    /** The unit as Annex B bytes, each NAL unit after a 4-byte start code, delimiters left out. */
    public byte[] toAnnexB() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes + 4 * nals.size());
        for (byte[] n : nals) {
            if (!codec.isDelimiter(n)) {
                out.write(0);
                out.write(0);
                out.write(0);
                out.write(1);
                out.write(n, 0, n.length);
            }
        }
        return out.toByteArray();
    }
}
