package camstream.video;

import camstream.video.AnnexB.Nal;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnnexBTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] bytesOf(Nal nal) {
        return Arrays.copyOfRange(nal.data(), nal.offset(), nal.offset() + nal.length());
    }

    @Test
    void threeAndFourByteStartCodesBothSeparateNalUnits() {
        byte[] stream = bytes(
                0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1e,
                0, 0, 1, 0x68, 0xce, 0x3c, 0x80,
                0, 0, 0, 1, 0x65, 0x88, 0x84);
        List<Nal> nals = AnnexB.split(stream);

        assertEquals(List.of(AnnexB.SPS, AnnexB.PPS, AnnexB.IDR_SLICE), nals.stream().map(Nal::type).toList());
        assertEquals(List.of(4, 11, 19), nals.stream().map(Nal::offset).toList());
        assertEquals(List.of(4, 4, 3), nals.stream().map(Nal::length).toList());
        assertSame(stream, nals.get(0).data(), "NAL units are views into the stream, not copies");
    }

    @Test
    void emulationPreventionBytesAreLeftInPlace() {
        // 00 00 03 01 inside a NAL unit is escaped data, not a start code.
        byte[] stream = bytes(0, 0, 1, 0x41, 0x9a, 0, 0, 3, 1, 0, 0, 3, 0, 0x80);
        List<Nal> nals = AnnexB.split(stream);

        assertEquals(1, nals.size());
        assertArrayEquals(bytes(0x41, 0x9a, 0, 0, 3, 1, 0, 0, 3, 0, 0x80), bytesOf(nals.get(0)));
    }

    @Test
    void zerosBeforeAStartCodeBelongToNoNalUnit() {
        byte[] stream = bytes(0, 0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 0, 1, 0x41, 0x9a, 0, 0);
        List<Nal> nals = AnnexB.split(stream);

        assertEquals(2, nals.size());
        assertArrayEquals(bytes(0x09, 0xf0), bytesOf(nals.get(0)));
        assertArrayEquals(bytes(0x41, 0x9a), bytesOf(nals.get(1)));
    }

    @Test
    void emptyInputAndBareStartCodesHaveNoNalUnits() {
        assertEquals(List.of(), AnnexB.split(new byte[0]));
        assertEquals(List.of(), AnnexB.split(bytes(0, 0, 0)));
        assertEquals(List.of(), AnnexB.split(bytes(0, 0, 1, 0, 0, 0, 1)));
    }

    @Test
    void onlyTheGivenRangeIsRead() {
        byte[] stream = bytes(0x55, 0, 0, 1, 0x06, 0x05, 0, 0, 1, 0x41, 0x55);
        List<Nal> nals = AnnexB.split(stream, 1, 7);

        assertEquals(1, nals.size());
        assertArrayEquals(bytes(0x06, 0x05), bytesOf(nals.get(0)));
        assertThrows(IndexOutOfBoundsException.class, () -> AnnexB.split(stream, 5, 7));
    }

    @Test
    void inputWithoutALeadingStartCodeIsRefused() {
        // An AVCC sample: a 4-byte length, not a start code.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AnnexB.split(bytes(0, 0, 0, 2, 0x09, 0xf0)));
        assertTrue(e.getMessage().contains("not an Annex B byte stream"), e.getMessage());
    }

    @Test
    void accessUnitsBeginAtParameterSetsAudsAndFirstSlices() {
        byte[] stream = bytes(
                0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1e, // SPS
                0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80, // PPS
                0, 0, 0, 1, 0x06, 0x05, 0x80, // SEI
                0, 0, 0, 1, 0x65, 0x88, 0x84, // IDR, first_mb_in_slice 0
                0, 0, 0, 1, 0x65, 0x44, 0x84, // IDR, a later slice of the same picture
                0, 0, 0, 1, 0x41, 0x9a, 0x02, // non-IDR, first_mb_in_slice 0: the next picture
                0, 0, 0, 1, 0x09, 0xf0, // AUD
                0, 0, 0, 1, 0x41, 0x9a, 0x04);
        List<List<Nal>> units = AnnexB.accessUnits(AnnexB.split(stream));

        assertEquals(List.of(List.of(7, 8, 6, 5, 5), List.of(1), List.of(9, 1)),
                units.stream().map(u -> u.stream().map(Nal::type).toList()).toList());
        assertTrue(AnnexB.isKeyframe(units.get(0)));
        assertFalse(AnnexB.isKeyframe(units.get(1)));
    }

    @Test
    void parameterSetsAreFoundByType() {
        byte[] stream = bytes(0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1e, 0, 0, 1, 0x68, 0xce);
        List<Nal> nals = AnnexB.split(stream);

        assertArrayEquals(bytes(0x67, 0x42, 0xc0, 0x1e), AnnexB.first(nals, AnnexB.SPS).orElseThrow().toArray());
        assertArrayEquals(bytes(0x68, 0xce), AnnexB.first(nals, AnnexB.PPS).orElseThrow().toArray());
        assertTrue(AnnexB.first(nals, AnnexB.IDR_SLICE).isEmpty());
    }

    @Test
    void avccSampleHasLengthPrefixesAndLeavesOutParameterSetsAndAud() {
        byte[] stream = bytes(
                0, 0, 1, 0x09, 0xf0,
                0, 0, 1, 0x67, 0x42, 0xc0, 0x1e,
                0, 0, 1, 0x68, 0xce,
                0, 0, 1, 0x06, 0x05, 0x80,
                0, 0, 0, 1, 0x65, 0x88, 0, 0, 3, 1);
        byte[] sample = AnnexB.toAvcc(AnnexB.split(stream));

        assertArrayEquals(bytes(
                0, 0, 0, 3, 0x06, 0x05, 0x80,
                0, 0, 0, 6, 0x65, 0x88, 0, 0, 3, 1), sample);
        assertArrayEquals(new byte[0], AnnexB.toAvcc(List.of()));
    }
}
