package camstream.config;

import camstream.support.LogCapture;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rtsp(s) sources: parsed with the password masked, their transport and ffmpeg settings. */
class RtspSettingsTest {

    private static CameraConfig camera(Map<String, String> params) {
        return Settings.read(Settings.lookup(params::get)).cameras().get(0);
    }

    @Test
    void anRtspOrRtspsUrlIsAnIpCameraWhoseTextHasThePasswordMasked() {
        SourceSpec s = SourceSpec.parse("rtsp://admin:Hik12345@192.168.1.64:554/Streaming/Channels/101");
        assertEquals(SourceSpec.Kind.RTSP, s.kind());
        assertEquals("rtsp://admin:Hik12345@192.168.1.64:554/Streaming/Channels/101", s.argument());
        assertEquals("rtsp://admin:***@192.168.1.64:554/Streaming/Channels/101", s.text());
        assertEquals(SourceSpec.Kind.RTSP, SourceSpec.parse("RTSPS://cam.local:322/stream1").kind());
        assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("rtsp:///nohost"));
        assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("rtsp://cam/a b"));
    }

    @Test
    void tcpIsTheDefaultTransportAndUdpCanBeAskedFor() {
        CameraConfig d = camera(Map.of("camstream.cameras", "c", "camstream.camera.c.source", "rtsp://cam/"));
        assertEquals("tcp", d.options().rtspTransport());
        assertEquals("ffmpeg", d.options().ffmpeg());
        CameraConfig c = camera(Map.of("camstream.cameras", "c", "camstream.camera.c.source", "rtsp://cam/",
                "camstream.camera.c.rtspTransport", "UDP", "camstream.ffmpeg", "/opt/ffmpeg/bin/ffmpeg"));
        assertEquals("udp", c.options().rtspTransport());
        assertEquals("/opt/ffmpeg/bin/ffmpeg", c.options().ffmpeg());
        assertTrue(c.valid());
    }

    @Test
    void anUnknownTransportIsABadSettingNamedWithItsValue() {
        try (LogCapture log = new LogCapture()) {
            CameraConfig c = camera(Map.of("camstream.cameras", "c", "camstream.camera.c.source", "rtsp://u:s3cr3t@cam/",
                    "camstream.camera.c.rtspTransport", "http"));
            assertFalse(c.valid());
            assertEquals("setting camstream.camera.c.rtspTransport='http' is not one of tcp, udp", c.problems().get(0));
            assertTrue(log.messages().stream().noneMatch(m -> m.contains("s3cr3t")), log.messages().toString());
        }
    }
}
