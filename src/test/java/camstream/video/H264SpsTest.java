package camstream.video;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Picture sizes from sequence parameter sets that x264 (through ffmpeg) wrote for the profiles cameras use. */
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
    void whatIsNotAnSpsOrEndsTooEarlyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> size("68ce3c80"));
        assertThrows(IllegalArgumentException.class, () -> size("67640028"));
    }
}
