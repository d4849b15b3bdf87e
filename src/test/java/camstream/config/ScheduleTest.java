package camstream.config;

import camstream.support.LogCapture;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {

    private static final LocalDateTime MONDAY = LocalDateTime.of(2026, 3, 2, 0, 0);

    @Test
    void aDaytimeRangeCoversItsStartButNotItsEnd() {
        Schedule s = Schedule.parse("08:00-18:00");
        assertFalse(s.covers(LocalTime.of(7, 59, 59)));
        assertTrue(s.covers(LocalTime.of(8, 0)));
        assertTrue(s.covers(LocalTime.of(17, 59, 59)));
        assertFalse(s.covers(LocalTime.of(18, 0)));
    }

    @Test
    void aRangeThatEndsBeforeItStartsGoesOnPastMidnight() {
        Schedule s = Schedule.parse("22:30-06:00");
        assertTrue(s.covers(LocalTime.of(23, 0)));
        assertTrue(s.covers(LocalTime.MIDNIGHT));
        assertTrue(s.covers(LocalTime.of(5, 59)));
        assertFalse(s.covers(LocalTime.of(6, 0)));
        assertFalse(s.covers(LocalTime.NOON));
        assertFalse(s.covers(LocalTime.of(22, 29)));
    }

    @Test
    void severalRangesCoverEachOfTheirTimes() {
        Schedule s = Schedule.parse("06:00-07:00, 19:00-20:30");
        assertTrue(s.covers(LocalTime.of(6, 30)));
        assertFalse(s.covers(LocalTime.of(12, 0)));
        assertTrue(s.covers(LocalTime.of(20, 29)));
        assertFalse(s.covers(LocalTime.of(20, 30)));
    }

    @Test
    void theNextChangeIsTheNearestStartOrEndAfterNow() {
        Schedule s = Schedule.parse("08:00-18:00");
        assertEquals(MONDAY.withHour(8), s.nextChange(MONDAY.withHour(7).withMinute(15)));
        assertEquals(MONDAY.withHour(18), s.nextChange(MONDAY.withHour(8)));
        assertEquals(MONDAY.plusDays(1).withHour(8), s.nextChange(MONDAY.withHour(18)));
    }

    @Test
    void theNextChangeOfANightRangeIsFoundAcrossMidnight() {
        Schedule s = Schedule.parse("22:00-02:00");
        LocalDateTime lateEvening = MONDAY.withHour(23).withMinute(30);
        assertEquals(MONDAY.plusDays(1).withHour(2), s.nextChange(lateEvening));
        assertEquals(MONDAY.withHour(22), s.nextChange(MONDAY.withHour(2)));
        LocalDateTime oneMinuteToMidnight = MONDAY.withHour(23).withMinute(59);
        assertTrue(s.covers(oneMinuteToMidnight.plusMinutes(1).toLocalTime()));
    }

    @Test
    void noScheduleNeverCoversAndNeverChanges() {
        assertFalse(Schedule.parse(" ").any());
        assertFalse(Schedule.NONE.covers(LocalTime.NOON));
        assertNull(Schedule.NONE.nextChange(MONDAY));
    }

    @Test
    void aBadRangeIsRefusedWithWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.parse("8-18")).getMessage()
                .contains("'8' is not a time of day"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.parse("08:00")).getMessage()
                .contains("not a range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.parse("09:00-09:00")).getMessage()
                .contains("same time"));
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse("24:00-06:00"));
    }

    @Test
    void timeLapseSettingsHaveGlobalDefaultsAndPerCameraValues() {
        Settings s = Settings.read(Settings.lookup(Map.of("camstream.cameras", "a,b", "camstream.timelapse.interval", "30",
                "camstream.camera.b.timelapse.interval", "5", "camstream.camera.b.timelapse.schedule", "22:00-06:00",
                "camstream.camera.b.timelapse.fps", "30")::get));
        TimeLapseOptions a = s.cameras().get(0).timeLapse();
        TimeLapseOptions b = s.cameras().get(1).timeLapse();
        assertEquals(30, a.intervalSeconds());
        assertEquals(25, a.fps());
        assertFalse(a.schedule().any());
        assertEquals(5, b.intervalSeconds());
        assertEquals(30, b.fps());
        assertTrue(b.schedule().covers(LocalTime.of(23, 0)));
    }

    @Test
    void aBadTimeLapseSettingIsLoggedWithItsNameAndTheCameraStillStreams() {
        try (LogCapture log = new LogCapture()) {
            Settings s = Settings.read(Settings.lookup(Map.of("camstream.cameras", "a",
                    "camstream.camera.a.timelapse.schedule", "8h-18h", "camstream.camera.a.timelapse.interval", "0")::get));
            CameraConfig a = s.cameras().get(0);
            assertTrue(a.valid());
            assertFalse(a.timeLapse().schedule().any());
            assertEquals(10, a.timeLapse().intervalSeconds());
            String warnings = String.join("\n", log.warnings());
            assertTrue(warnings.contains("camstream.camera.a.timelapse.schedule='8h-18h'"), warnings);
            assertTrue(warnings.contains("camstream.camera.a.timelapse.interval='0'"), warnings);
        }
    }
}
