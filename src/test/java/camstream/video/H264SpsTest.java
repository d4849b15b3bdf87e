package camstream.video;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Picture sizes from sequence parameter sets, and slice types, that x264 (through ffmpeg) wrote for the profiles cameras use. */
class H264SpsTest {

    private static long size(String hex) {
        return H264Sps.size(HexFormat.of().parseHex(hex));
    }

    @Test
    void aHighProfile1080pSpsIsCroppedFrom1088To1080Lines() {
        assertEquals(1920L << 32 | 1080, size("67640028acd940780227e5c044000003000400000300c83c60c658"));
    }

    @Test
    void aMainProfileSpsGivesItsSize() {
        assertEquals(704L << 32 | 576, size("674d401eeca05809360220000003002000000641e2c5b2c0"));
    }

    @Test
    void aHigh444SpsWithItsChromaFormatFieldsGivesItsSize() {
        assertEquals(1280L << 32 | 720, size("67f4001f919b280a00b76022000003000200000300641e30632c"));
    }

    @Test
    void anInterlacedSpsCountsTwoFieldsPerMacroblockRow() {
        assertEquals(720L << 32 | 576, size("67f4001e919b2816849b011000000300100000030321f1429960"));
    }

    @Test
    void bSlicesAreToldFromPAndISlices() {
        // x264 with -bf 2: an IDR, a P, a referenced B (B-pyramid) and an unreferenced B slice.
        assertFalse(H264Sps.isBSlice(HexFormat.of().parseHex("6588840037fffef6")));
        assertFalse(H264Sps.isBSlice(HexFormat.of().parseHex("419a236c433ffe9e")));
        assertTrue(H264Sps.isBSlice(HexFormat.of().parseHex("419e4178857f3980")));
        assertTrue(H264Sps.isBSlice(HexFormat.of().parseHex("019e626a42bf0006")));
        assertFalse(H264Sps.isBSlice(new byte[] {0x41}), "a slice cut short is not taken for a B slice");
    }

    @Test
    void whatIsNotAnSpsOrEndsTooEarlyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> size("68ce3c80"));
        assertThrows(IllegalArgumentException.class, () -> size("67640028"));
    }
}
