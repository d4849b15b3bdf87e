package camstream.config;

import camstream.support.LogCapture;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    private static Settings read(Map<String, String> params) {
        return Settings.read(Settings.lookup(params::get));
    }

    @Test
    void withNothingSetThereIsOneDefaultCameraOnAutoAt640x480x30() {
        Settings s = read(Map.of());
        assertEquals(10, s.idleTimeoutSeconds());
        CameraConfig c = s.cameras().get(0);
        assertEquals(List.of("default"), s.cameras().stream().map(CameraConfig::id).toList());
        assertEquals(SourceSpec.Kind.AUTO, c.source().kind());
        assertEquals(640, c.width());
        assertEquals(480, c.height());
        assertEquals(30, c.fps());
        assertEquals(80, c.quality());
        assertTrue(c.valid());
    }

    @Test
    void perCameraSettingsOverrideTheGlobalDefaults() {
        Settings s = read(Map.of("camstream.cameras", "front, back", "camstream.fps", "15",
                "camstream.camera.back.fps", "5", "camstream.camera.back.name", "Back yard"));
        assertEquals(15, s.cameras().get(0).fps());
        assertEquals(5, s.cameras().get(1).fps());
        assertEquals("Back yard", s.cameras().get(1).name());
        assertEquals(SourceSpec.Kind.TEST_PATTERN, s.cameras().get(1).source().kind());
    }

    @Test
    void aSystemPropertyWinsOverAContextParameter() {
        System.setProperty("camstream.camera.sysprop-test.quality", "42");
        try {
            Settings s = read(Map.of("camstream.cameras", "sysprop-test",
                    "camstream.camera.sysprop-test.quality", "90"));
            assertEquals(42, s.cameras().get(0).quality());
        } finally {
            System.clearProperty("camstream.camera.sysprop-test.quality");
        }
    }

    @Test
    void cameraIdsThatWouldShareEnvironmentVariablesKeepOnlyTheFirst() {
        Settings s = read(Map.of("camstream.cameras", "front-door,front_door,Front-Door,back"));
        assertEquals(List.of("front-door", "back"), s.cameras().stream().map(CameraConfig::id).toList());
    }

    @Test
    void accessSettingsHaveSafeDefaultsAndRefuseWhatCouldBreakAHeader() {
        Access a = read(Map.of()).access();
        assertEquals(0, a.maxViewers());
        assertEquals(List.of(), a.corsAllowOrigin());
        assertEquals("'self'", a.frameAncestors());
        assertEquals(false, a.metricsOpen());
        Access b = read(Map.of("camstream.cameras", "front,back", "camstream.maxViewers", "9",
                "camstream.maxViewersPerCamera", "3", "camstream.camera.back.maxViewers", "1",
                "camstream.camera.back.token", "t0ps3cret", "camstream.cors.allowOrigin", "https://a.example, evil\r\nX: y",
                "camstream.frameAncestors", "'self'; script-src *", "camstream.metrics.access", "open")).access();
        assertEquals(9, b.maxViewers());
        assertEquals(3, b.camera("front").maxViewers());
        assertEquals(1, b.camera("back").maxViewers());
        assertEquals("t0ps3cret", b.camera("back").token());
        assertEquals(null, b.camera("front").token());
        assertTrue(!b.toString().contains("t0ps3cret"), "the token stays out of toString: " + b);
        assertEquals(List.of("https://a.example"), b.corsAllowOrigin());
        assertEquals("'self'", b.frameAncestors());
        assertTrue(b.metricsOpen());
    }

    @Test
    void publicOriginsAreOriginsWithoutAWildcardAndABadOneIsLoggedWithItsSetting() {
        assertEquals(List.of(), read(Map.of()).access().publicOrigins());
        try (LogCapture log = new LogCapture()) {
            Access a = read(Map.of("camstream.publicOrigins",
                    "https://cams.example.com, http://cams.lan:8080 * https://cams.example.com/ http://[2001:db8::7]:8080")).access();
            assertEquals(List.of("https://cams.example.com", "http://cams.lan:8080", "http://[2001:db8::7]:8080"),
                    a.publicOrigins());
            assertEquals(List.of("Invalid setting camstream.publicOrigins: '*' is not an origin (scheme://host[:port]); ignored",
                    "Invalid setting camstream.publicOrigins: 'https://cams.example.com/' is not an origin"
                            + " (scheme://host[:port]); ignored"), log.warnings());
        }
    }

    @Test
    void anyTokenSaysWhetherSomeCameraIsProtected() {
        assertFalse(read(Map.of("camstream.cameras", "front,back")).access().anyToken());
        assertTrue(read(Map.of("camstream.cameras", "front,back", "camstream.camera.back.token", "s3cret")).access().anyToken());
    }

    @Test
    void environmentVariableNamesAreUpperCaseWithUnderscores() {
        assertEquals("CAMSTREAM_IDLETIMEOUT", Settings.envName("camstream.idleTimeout"));
        assertEquals("CAMSTREAM_CAMERA_FRONT_DOOR_SOURCE", Settings.envName("camstream.camera.front-door.source"));
    }

    @Test
    void anInvalidValueMarksOnlyItsCameraAndNamesTheSettingAndValue() {
        Settings s = read(Map.of("camstream.cameras", "ok,bad", "camstream.camera.bad.width", "-3",
                "camstream.camera.bad.source", "carrier pigeon"));
        assertTrue(s.cameras().get(0).valid());
        List<String> problems = s.cameras().get(1).problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("camstream.camera.bad.width='-3'"), problems.get(0));
        assertTrue(problems.get(1).contains("camstream.camera.bad.source='carrier pigeon'"), problems.get(1));
    }

    @Test
    void anInvalidGlobalValueFallsBackToItsDefault() {
        assertEquals(10, read(Map.of("camstream.idleTimeout", "soon")).idleTimeoutSeconds());
        assertEquals(0, read(Map.of("camstream.idleTimeout", "0")).idleTimeoutSeconds());
        assertEquals(5, read(Map.of("camstream.sourceTimeout", "0")).sourceTimeoutSeconds());
        assertEquals(7, read(Map.of("camstream.sourceTimeout", "7")).sourceTimeoutSeconds());
    }

    @Test
    void aSourceSettingIsParsedOnceIntoItsKindAndArgument() {
        assertEquals(new SourceSpec(SourceSpec.Kind.DEVICE, "device", "2", "device:2"), SourceSpec.parse("device:2"));
        assertEquals(new SourceSpec(SourceSpec.Kind.DEVICE, "device", "/dev/video4", "/dev/video4"),
                SourceSpec.parse(" /dev/video4 "));
        assertEquals(new SourceSpec(SourceSpec.Kind.FILE, "file", "/data/img%04d.jpg", "file:/data/img%04d.jpg"),
                SourceSpec.parse("file:/data/img%04d.jpg"));
        assertEquals(SourceSpec.Kind.TEST_PATTERN, SourceSpec.parse("Test-Pattern").kind());
        // Another kind is looked up among the source providers when the camera is created.
        assertEquals(new SourceSpec(SourceSpec.Kind.PROVIDED, "faulty", "hang=3", "faulty:hang=3"),
                SourceSpec.parse("faulty:hang=3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("file:"));
        assertEquals("file: needs a path", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("carrier pigeon"));
    }

    @Test
    void aMissingFileIsNotASettingsErrorButLookedForAtEveryOpen() {
        Settings s = read(Map.of("camstream.cameras", "f", "camstream.camera.f.source", "file:/nonexistent/clip.avi"));
        assertTrue(s.cameras().get(0).valid(), s.cameras().get(0).problems().toString());
    }

    @Test
    void withNothingSetPicturesAreSentAsCapturedWithUpToFourVariants() {
        Processing p = read(Map.of()).cameras().get(0).processing();
        assertEquals(0, p.rotate());
        assertEquals(Processing.Flip.NONE, p.flip());
        assertEquals(null, p.overlayFormat());
        assertEquals(false, p.dropDuplicates());
        assertEquals(4, p.maxVariants());
        assertEquals(false, p.transforms());
    }

    @Test
    void transformsDuplicatesAndVariantLimitsAreReadPerCameraOverTheGlobalDefaults() {
        Settings s = read(Map.of("camstream.cameras", "a,b", "camstream.dropDuplicates", "true",
                "camstream.maxVariants", "2", "camstream.camera.a.rotate", "90", "camstream.camera.a.flip", "Horizontal",
                "camstream.camera.a.overlay", "timestamp", "camstream.camera.a.overlayFormat", "HH:mm",
                "camstream.camera.b.dropDuplicates", "off", "camstream.camera.b.maxVariants", "0"));
        Processing a = s.cameras().get(0).processing();
        assertEquals(new Processing(90, Processing.Flip.HORIZONTAL, "HH:mm", true, 2), a);
        assertTrue(a.transforms());
        Processing b = s.cameras().get(1).processing();
        assertEquals(new Processing(0, Processing.Flip.NONE, null, false, 0), b);
        assertEquals("yyyy-MM-dd HH:mm:ss", read(Map.of("camstream.camera.default.overlay", "timestamp"))
                .cameras().get(0).processing().overlayFormat());
    }

    @Test
    void aBadTransformSettingNamesTheSettingAndValue() {
        Settings s = read(Map.of("camstream.cameras", "c", "camstream.camera.c.rotate", "45",
                "camstream.camera.c.flip", "sideways", "camstream.camera.c.overlay", "timestamp",
                "camstream.camera.c.overlayFormat", "HH:mm {bad}", "camstream.camera.c.dropDuplicates", "maybe",
                "camstream.camera.c.maxVariants", "1000"));
        List<String> problems = s.cameras().get(0).problems();
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("camstream.camera.c.rotate='45' is not one of 0, 90, 180, 270"), problems.get(0));
        assertTrue(problems.get(1).contains("camstream.camera.c.flip='sideways'"), problems.get(1));
        assertTrue(problems.get(2).contains("camstream.camera.c.overlayFormat='HH:mm {bad}'"), problems.get(2));
        assertTrue(problems.get(3).contains("camstream.camera.c.dropDuplicates='maybe' is not true or false"), problems.get(3));
        assertTrue(problems.get(4).contains("camstream.camera.c.maxVariants='1000' is out of range 0..64"), problems.get(4));
        assertEquals(4, read(Map.of("camstream.maxVariants", "lots")).cameras().get(0).processing().maxVariants());
    }

    @Test
    void h264SettingsAreReadPerCameraOverTheGlobalDefaultsAndABadOneNamesTheSetting() {
        assertEquals(VideoOptions.DEFAULTS, read(Map.of()).cameras().get(0).video());
        assertEquals("libopenh264.so.7", read(Map.of()).openH264Library());
        assertEquals(null, read(Map.of("camstream.h264", "off")).openH264Library());
        Settings s = read(Map.of("camstream.cameras", "a,b", "camstream.h264Bitrate", "800",
                "camstream.keyframeInterval", "2", "camstream.h264Profile", "main",
                "camstream.camera.b.h264Bitrate", "3000", "camstream.camera.b.h264Profile", "Baseline"));
        assertEquals(new VideoOptions(800, 2, "main"), s.cameras().get(0).video());
        assertEquals(new VideoOptions(3000, 2, "baseline"), s.cameras().get(1).video());
        assertEquals(800_000, s.cameras().get(0).video().bitrate(640, 480, 30));
        assertEquals(552_960, VideoOptions.DEFAULTS.bitrate(640, 480, 30), "0.06 bit per pixel and frame");
        assertEquals(100_000, VideoOptions.DEFAULTS.bitrate(160, 120, 5), "the floor");
        assertEquals(60, VideoOptions.DEFAULTS.framesToHold(30), "two groups of pictures wait at most");
        assertEquals(8, VideoOptions.DEFAULTS.framesToHold(1));
        assertEquals(10_000, new VideoOptions(0, 60, "baseline").framesToHold(240));
        List<String> problems = read(Map.of("camstream.cameras", "c", "camstream.camera.c.h264Profile", "high",
                "camstream.camera.c.keyframeInterval", "0")).cameras().get(0).problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("camstream.camera.c.keyframeInterval='0' is out of range 1..60"), problems.get(0));
        assertTrue(problems.get(1).contains("camstream.camera.c.h264Profile='high' is not one of baseline, main"),
                problems.get(1));
    }

    @Test
    void thePagePrefersH264UnlessToldOtherwiseAndABadChoiceIsLoggedAndAuto() {
        assertEquals(PageVideo.AUTO, read(Map.of()).pageVideo());
        assertEquals(PageVideo.JPEG, read(Map.of("camstream.pageVideo", "JPEG")).pageVideo());
        assertEquals(PageVideo.H264, read(Map.of("camstream.pageVideo", "h264")).pageVideo());
        try (LogCapture log = new LogCapture()) {
            assertEquals(PageVideo.AUTO, read(Map.of("camstream.pageVideo", "mp4")).pageVideo());
            assertEquals(List.of("Invalid setting camstream.pageVideo='mp4' (auto, h264 or jpeg); using auto"), log.warnings());
        }
    }
}
