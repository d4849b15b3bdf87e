package camstream.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recording settings as Settings reads them: defaults, per-camera values over global ones, bad values. */
class RecordOptionsTest {

    private static RecordOptions read(Map<String, String> params, String camera) {
        Settings s = Settings.read(Settings.lookup(params::get));
        return s.cameras().stream().filter(c -> c.id().equals(camera)).findFirst().orElseThrow().record();
    }

    @Test
    void withoutADirectoryNothingIsRecordedAndNothingIsWrong() {
        RecordOptions o = read(Map.of(), "default");
        assertNull(o.dir());
        assertEquals("off", o.mode());
        assertEquals(600, o.fileSeconds());
        assertNull(o.problem());
    }

    @Test
    void aCamerasOwnValuesWinOverTheGlobalOnes() {
        RecordOptions o = read(Map.of("camstream.cameras", "a,b", "camstream.recordings", "/srv/rec",
                "camstream.camera.b.recordings", "/mnt/b", "camstream.record", "motion",
                "camstream.camera.b.record", "continuous", "camstream.camera.b.record.keepSize", "10G",
                "camstream.record.keepDays", "7", "camstream.camera.b.record.format", "AVI"), "b");
        assertEquals(Path.of("/mnt/b"), o.dir());
        assertEquals("camstream.camera.b.recordings", o.dirSetting());
        assertEquals("continuous", o.mode());
        assertEquals(10L << 30, o.keepSize());
        assertEquals(7, o.keepDays());
        assertEquals("avi", o.format());
        assertNull(o.problem());
        RecordOptions a = read(Map.of("camstream.cameras", "a,b", "camstream.recordings", "/srv/rec",
                "camstream.record", "motion"), "a");
        assertEquals(Path.of("/srv/rec"), a.dir());
        assertEquals("motion", a.mode());
    }

    @Test
    void badValuesAreNamedWithTheirSettingAndReplacedByTheDefault() {
        Settings s = Settings.read(Settings.lookup(Map.of("camstream.recordings", "relative/dir",
                "camstream.record", "always", "camstream.record.keepSize", "lots",
                "camstream.record.fileSeconds", "1")::get));
        CameraConfig c = s.cameras().get(0);
        RecordOptions o = c.record();
        assertTrue(c.problems().isEmpty(), "live pictures do not depend on recording settings: " + c.problems());
        assertNull(o.dir());
        assertEquals("off", o.mode());
        assertEquals(0, o.keepSize());
        assertEquals(600, o.fileSeconds());
        assertTrue(o.problem().contains("camstream.recordings='relative/dir' is not an absolute path"), o.problem());
        assertTrue(o.problem().contains("camstream.record='always' is not one of off, motion, continuous"), o.problem());
        assertTrue(o.problem().contains("camstream.record.keepSize='lots' is not a size"), o.problem());
        assertTrue(o.problem().contains("camstream.record.fileSeconds='1' is out of range 5..86400"), o.problem());
    }
}
