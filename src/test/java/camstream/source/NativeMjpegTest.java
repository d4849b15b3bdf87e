package camstream.source;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The device's answer that decides whether its MJPEG pictures are taken undecoded (no camera needed). */
class NativeMjpegTest {

    static {
        camstream.NativeOpenCv.load();
    }

    @Test
    void onlyADeviceThatReportsMjpgAndNoConversionDeliversJpegBytes() {
        double mjpg = DeviceSource.fourcc("MJPG");
        assertTrue(DeviceSource.deliversMjpeg(mjpg, 0));
        assertFalse(DeviceSource.deliversMjpeg(mjpg, 1), "it kept converting to BGR");
        assertFalse(DeviceSource.deliversMjpeg(DeviceSource.fourcc("YUYV"), 0), "it has no MJPG");
        assertFalse(DeviceSource.deliversMjpeg(0, 0), "it says nothing");
    }

    @Test
    void aRawBufferIsTakenForAJpegOnlyWithTheJpegStartMarker() {
        assertTrue(DeviceSource.startsAsJpeg(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}));
        assertFalse(DeviceSource.startsAsJpeg(new byte[]{0x10, (byte) 0x80, 0x10, (byte) 0x80}), "YUYV bytes");
        assertFalse(DeviceSource.startsAsJpeg(new byte[]{(byte) 0xFF, (byte) 0xD8}));
    }
}
