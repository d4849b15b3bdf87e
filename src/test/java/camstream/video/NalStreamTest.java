package camstream.video;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stream cut anywhere, as a pipe delivers it, gives the access units {@link AnnexB#accessUnits} finds in the whole. */
class NalStreamTest {

    /** SPS, PPS, an IDR picture of two slices, two P pictures, then an AUD, SEI and another IDR: an H.264 camera's stream. */
    private static byte[] h264() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        nal(out, 4, 0x67, 0x64, 0x00, 0x28, 0xac);
        nal(out, 4, 0x68, 0xee, 0x3c, 0x80);
        nal(out, 4, 0x65, 0x88, 0x84, 0x00, 0x00, 0x03, 0x00, 0x01, 0x02);
        nal(out, 3, 0x65, 0x40, 0x11, 0x22); // a second slice of the same picture: first_mb_in_slice is not 0
        nal(out, 4, 0x41, 0x9a, 0x10, 0x20);
        nal(out, 3, 0x41, 0x9a, 0x30, 0x40, 0x00); // trailing zero: padding, not part of the unit
        nal(out, 4, 0x09, 0xf0);
        nal(out, 4, 0x06, 0x05, 0x01, 0x80);
        nal(out, 4, 0x67, 0x64, 0x00, 0x28, 0xac);
        nal(out, 4, 0x68, 0xee, 0x3c, 0x80);
        nal(out, 4, 0x65, 0x88, 0x99);
        nal(out, 4, 0x41, 0x9a, 0x55); // starts the next unit, so that the one before is whole
        return out.toByteArray();
    }

    private static void nal(ByteArrayOutputStream out, int startCode, int... bytes) {
        for (int i = 0; i < startCode - 1; i++) {
            out.write(0);
        }
        out.write(1);
        for (int b : bytes) {
            out.write(b);
        }
    }

    private static List<AccessUnit> feed(byte[] stream, Random cuts) {
        List<AccessUnit> units = new ArrayList<>();
        NalStream s = new NalStream(Codec.H264, 1 << 20, units::add);
        for (int at = 0; at < stream.length; ) {
            int n = Math.min(stream.length - at, 1 + cuts.nextInt(7));
            s.feed(stream, at, n);
            at += n;
        }
        return units;
    }

    @Test
    void aStreamCutAnywhereGivesTheUnitsOfTheWholeInOrderOnceTheNextBegins() {
        byte[] stream = h264();
        List<List<AnnexB.Nal>> whole = AnnexB.accessUnits(AnnexB.split(stream));
        for (int seed = 0; seed < 200; seed++) {
            List<AccessUnit> units = feed(stream, new Random(seed));
            assertEquals(whole.size() - 1, units.size(), "the last unit waits for the next to begin");
            for (int i = 0; i < units.size(); i++) {
                List<AnnexB.Nal> expected = whole.get(i);
                assertEquals(expected.size(), units.get(i).nals().size());
                for (int j = 0; j < expected.size(); j++) {
                    assertArrayEquals(expected.get(j).toArray(), units.get(i).nals().get(j));
                }
            }
        }
    }

    @Test
    void keyframesAndParameterSetsAreKnownPerUnit() {
        List<AccessUnit> units = feed(h264(), new Random(1));
        assertEquals(4, units.size());
        assertTrue(units.get(0).keyframe());
        assertArrayEquals(new byte[] {0x67, 0x64, 0x00, 0x28, (byte) 0xac}, units.get(0).sps());
        assertEquals(4, units.get(0).nals().size(), "SPS, PPS and both slices of the picture");
        assertFalse(units.get(1).keyframe());
        assertTrue(units.get(3).keyframe());
        assertEquals(5, units.get(3).nals().size(), "AUD, SEI, SPS, PPS, slice");
    }

    @Test
    void aUnitForADecoderHasStartCodesAndNoDelimiter() {
        AccessUnit u = feed(h264(), new Random(2)).get(3);
        List<AnnexB.Nal> nals = AnnexB.split(u.toAnnexB());
        assertEquals(4, nals.size());
        assertEquals(AnnexB.SEI, nals.get(0).type());
    }

    @Test
    void h265UnitsBeginAtAPictureWhoseFirstSliceFlagIsSet() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        nal(out, 4, 0x40, 0x01, 0x0c); // VPS
        nal(out, 4, 0x42, 0x01, 0x01); // SPS
        nal(out, 4, 0x44, 0x01, 0xc1); // PPS
        nal(out, 4, 0x26, 0x01, 0xaf); // IDR_W_RADL, first slice
        nal(out, 4, 0x02, 0x01, 0xd0); // TRAIL_R, first slice
        nal(out, 4, 0x02, 0x01, 0x50); // TRAIL_R, not the first slice: same picture
        nal(out, 4, 0x02, 0x01, 0xd0);
        List<AccessUnit> units = new ArrayList<>();
        byte[] b = out.toByteArray();
        new NalStream(Codec.H265, 1 << 20, units::add).feed(b, 0, b.length);
        assertEquals(2, units.size());
        assertTrue(units.get(0).keyframe());
        assertEquals(4, units.get(0).nals().size());
        assertArrayEquals(new byte[] {0x42, 0x01, 0x01}, units.get(0).sps());
        assertEquals(2, units.get(1).nals().size());
        assertFalse(units.get(1).keyframe());
    }

    @Test
    void aNalUnitOverTheLimitIsABrokenStream() {
        NalStream s = new NalStream(Codec.H264, 1000, u -> { });
        byte[] start = {0, 0, 0, 1, 0x65};
        s.feed(start, 0, start.length);
        byte[] junk = new byte[700];
        java.util.Arrays.fill(junk, (byte) 0x55);
        s.feed(junk, 0, junk.length);
        assertThrows(IllegalStateException.class, () -> {
            for (int i = 0; i < 200; i++) {
                s.feed(junk, 0, junk.length);
            }
        });
    }
}
