package camstream.config;

import camstream.support.LogCapture;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** http(s) sources, their settings, masked passwords, and when a camera passes JPEG bytes through. */
class RelaySettingsTest {

    private static Settings read(Map<String, String> params) {
        return Settings.read(Settings.lookup(params::get));
    }

    @Test
    void anHttpOrHttpsUrlIsARelayWhoseTextHasThePasswordMasked() {
        SourceSpec s = SourceSpec.parse("http://admin:hunter2@cam.local:8080/?action=stream");
        assertEquals(SourceSpec.Kind.HTTP, s.kind());
        assertEquals("http://admin:hunter2@cam.local:8080/?action=stream", s.argument());
        assertEquals("http://admin:***@cam.local:8080/?action=stream", s.text());
        assertEquals(SourceSpec.Kind.HTTP, SourceSpec.parse("HTTPS://cam.local/snapshot.jpg").kind());
        assertEquals("https://cam.local/x", SourceSpec.parse("https://cam.local/x").text());
    }

    @Test
    void passwordsAreMaskedWhereverTheyAppearInAText() {
        assertEquals("cannot connect to http://u:***@h/a (refused); also rtsp://x:***@y:554/z",
                SourceSpec.mask("cannot connect to http://u:p@ss@h/a (refused); also rtsp://x:y@y:554/z"));
        assertEquals("http://user@host/", SourceSpec.mask("http://user@host/"));
        assertEquals("http://host:8080/a@b", SourceSpec.mask("http://host:8080/a@b"));
    }

    @Test
    void aBadUrlIsABadSettingWhoseMessageHidesThePassword() {
        assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("http:///nohost"));
        assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("http://cam/#frag"));
        try (LogCapture log = new LogCapture()) {
            Settings s = read(Map.of("camstream.cameras", "c", "camstream.camera.c.source", "http://u:topsecret@bad host/"));
            CameraConfig c = s.cameras().get(0);
            assertFalse(c.valid());
            assertTrue(c.problems().get(0).startsWith("setting camstream.camera.c.source='http://u:***@bad host/'"),
                    c.problems().toString());
            assertTrue(log.messages().stream().noneMatch(m -> m.contains("topsecret")), log.messages().toString());
        }
    }

    @Test
    void relaySettingsHaveDefaultsAndABadValueIsNamedWithItsSetting() {
        CameraConfig d = read(Map.of("camstream.cameras", "c", "camstream.camera.c.source", "http://cam/")).cameras().get(0);
        assertEquals(SourceOptions.DEFAULTS, d.options());
        assertEquals(8 * 1024 * 1024, d.options().maxPartBytes());
        CameraConfig c = read(Map.of("camstream.cameras", "c", "camstream.camera.c.source", "http://cam/",
                "camstream.camera.c.connectTimeout", "2", "camstream.camera.c.readTimeout", "30",
                "camstream.camera.c.maxPartSize", "1048576", "camstream.camera.c.passthrough", "false",
                "camstream.camera.c.fourcc", "yuyv")).cameras().get(0);
        assertEquals(new SourceOptions("YUYV", 2, 30, 1 << 20, false), c.options());
        assertTrue(c.valid());
        try (LogCapture log = new LogCapture()) {
            CameraConfig bad = read(Map.of("camstream.cameras", "c", "camstream.camera.c.readTimeout", "0",
                    "camstream.camera.c.maxPartSize", "8MB", "camstream.camera.c.passthrough", "maybe",
                    "camstream.camera.c.fourcc", "MJPEG")).cameras().get(0);
            assertEquals(SourceOptions.DEFAULTS, bad.options());
            assertEquals(4, bad.problems().size(), bad.problems().toString());
            String all = String.join("\n", log.warnings());
            assertTrue(all.contains("camstream.camera.c.readTimeout='0' is out of range 1..3600"), all);
            assertTrue(all.contains("camstream.camera.c.maxPartSize='8MB' is not a whole number"), all);
            assertTrue(all.contains("camstream.camera.c.passthrough='maybe' is not true or false"), all);
            assertTrue(all.contains("camstream.camera.c.fourcc='MJPEG' is not a pixel format code"), all);
        }
    }

    private static CameraConfig camera(String source, String fourcc, boolean passthrough) {
        return camera(source, fourcc, passthrough, Processing.NONE);
    }

    private static CameraConfig camera(String source, String fourcc, boolean passthrough, Processing processing) {
        return new CameraConfig("c", "c", SourceSpec.parse(source), 640, 480, 30, 80, java.util.List.of(),
                new SourceOptions(fourcc, 5, 10, 1 << 20, passthrough), processing);
    }

    @Test
    void aTransformNeedsPixelsAndStopsThePassthrough() {
        Processing turned = new Processing(90, Processing.Flip.NONE, null, false, 4);
        Processing mirrored = new Processing(0, Processing.Flip.HORIZONTAL, null, false, 4);
        Processing stamped = new Processing(0, Processing.Flip.NONE, "HH:mm:ss", false, 4);
        assertEquals(java.util.List.of("camstream.camera.c.rotate=90"), Pixels.neededFor(camera("http://cam/", "", true, turned)));
        assertEquals(java.util.List.of("camstream.camera.c.flip=horizontal"),
                Pixels.neededFor(camera("http://cam/", "", true, mirrored)));
        assertEquals(java.util.List.of("camstream.camera.c.overlay=timestamp"),
                Pixels.neededFor(camera("http://cam/", "", true, stamped)));
        assertFalse(Pixels.passThrough(camera("http://cam/", "", true, turned), true));
        assertFalse(Pixels.nativeMjpeg(camera("device:0", "MJPG", true, stamped)));
        assertTrue(Pixels.passThrough(camera("http://cam/", "", true,
                new Processing(0, Processing.Flip.NONE, null, true, 4)), true), "dropping duplicates needs no pixels");
    }

    @Test
    void jpegBytesPassThroughUnlessASettingNeedsPixels() {
        assertTrue(Pixels.passThrough(camera("http://cam/", "", true), true));
        assertFalse(Pixels.passThrough(camera("http://cam/", "", true), false), "a source that delivers images");
        assertFalse(Pixels.passThrough(camera("http://cam/", "", false), true));
        assertEquals(java.util.List.of("camstream.camera.c.passthrough=false"),
                Pixels.neededFor(camera("http://cam/", "", false)));
        assertTrue(Pixels.neededFor(camera("http://cam/", "", true)).isEmpty());
    }

    @Test
    void aDeviceDeliversItsOwnMjpegOnlyWithFourccMjpgAndNoPixelsNeeded() {
        assertTrue(Pixels.nativeMjpeg(camera("device:0", "MJPG", true)));
        assertTrue(Pixels.nativeMjpeg(camera("/dev/video2", "MJPG", true)));
        assertTrue(Pixels.nativeMjpeg(camera("auto", "MJPG", true)));
        assertFalse(Pixels.nativeMjpeg(camera("device:0", "", true)), "the default: MJPG asked for, then decoded");
        assertFalse(Pixels.nativeMjpeg(camera("device:0", "YUYV", true)));
        assertFalse(Pixels.nativeMjpeg(camera("device:0", "MJPG", false)), "pixels needed");
        assertFalse(Pixels.nativeMjpeg(camera("file:clip.avi", "MJPG", true)), "not a device");
    }
}
