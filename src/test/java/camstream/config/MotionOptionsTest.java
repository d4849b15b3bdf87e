package camstream.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MotionOptionsTest {

    private final List<String> problems = new ArrayList<>();

    private MotionOptions read(Map<String, String> settings) {
        return MotionOptions.read(settings::get, "yard", problems);
    }

    @Test
    void motionIsOffUnlessTurnedOn() {
        MotionOptions o = read(Map.of());
        assertFalse(o.on());
        assertEquals(50, o.sensitivity());
        assertEquals(1, o.minArea());
        assertEquals(3, o.endAfter());
        assertEquals(List.of(), o.zones());
        assertNull(o.webhook());
        assertEquals(List.of(), problems);
    }

    @Test
    void aCamerasOwnSettingWinsOverTheGlobalDefault() {
        MotionOptions o = read(Map.of("camstream.motion", "on", "camstream.motion.sensitivity", "80",
                "camstream.camera.yard.motion.sensitivity", "20", "camstream.camera.yard.motion.minArea", "0.5",
                "camstream.motion.webhook", "https://example.com/hook"));
        assertTrue(o.on());
        assertEquals(20, o.sensitivity());
        assertEquals(0.5, o.minArea());
        assertEquals("https://example.com/hook", o.webhook());
    }

    @Test
    void zonesAreRectanglesInPercentOfThePicture() {
        MotionOptions o = read(Map.of("camstream.camera.yard.motion.zones", "0,0,100,10; 50,50,25,50"));
        assertEquals(List.of(new MotionOptions.Zone(0, 0, 1, 0.1), new MotionOptions.Zone(0.5, 0.5, 0.25, 0.5)), o.zones());
    }

    @Test
    void aBadValueIsAProblemThatNamesTheSettingAndTheValue() {
        MotionOptions o = read(Map.of("camstream.camera.yard.motion.sensitivity", "200",
                "camstream.camera.yard.motion.zones", "0,0,100,10;90,0,20,10", "camstream.camera.yard.motion", "maybe",
                "camstream.motion.webhook", "ftp://example.com"));
        assertEquals(50, o.sensitivity());
        assertEquals(List.of(new MotionOptions.Zone(0, 0, 1, 0.1)), o.zones(), "the good rectangle is kept");
        assertFalse(o.on());
        assertNull(o.webhook());
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("camstream.camera.yard.motion='maybe'"), problems.get(0));
        assertTrue(problems.get(1).contains("camstream.camera.yard.motion.sensitivity='200' is out of range 1..100"),
                problems.get(1));
        assertTrue(problems.get(2).contains("'90,0,20,10' is not a rectangle"), problems.get(2));
    }

    @Test
    void aWebhookThatIsNoUrlIsLeftOutInsteadOfFailingTheStart() {
        for (String bad : List.of("http://a|b/hook", "http://[::1/hook", "http://example.com/%zz", "http:///hook")) {
            MotionOptions o = read(Map.of("camstream.motion.webhook", bad));
            assertNull(o.webhook(), bad);
        }
    }
}
