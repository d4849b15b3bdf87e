package camstream.config;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times of day, in the server's local time, during which something runs: one or more ranges
 * {@code HH:mm-HH:mm}, comma-separated. A range whose end comes before its start goes on past midnight
 * ({@code 22:00-06:00}). The start is inside a range, the end is not.
 */
public final class Schedule {

    /** Runs at no time. */
    public static final Schedule NONE = new Schedule(List.of(), "");

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);

    private record Range(LocalTime start, LocalTime end) {
        boolean covers(LocalTime t) {
            return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
        }
    }

    private final List<Range> ranges;
    private final String text;

    private Schedule(List<Range> ranges, String text) {
        this.ranges = List.copyOf(ranges);
        this.text = text;
    }

    /**
     * Reads {@code HH:mm-HH:mm[,HH:mm-HH:mm...]}; blank: {@link #NONE}.
     *
     * @throws IllegalArgumentException saying what is wrong, for a message that names the setting
     */
    public static Schedule parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Range> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            String range = part.trim();
            int dash = range.indexOf('-');
            if (dash < 0) {
                throw new IllegalArgumentException("'" + range + "' is not a range of times such as 08:00-18:00");
            }
            LocalTime start = time(range.substring(0, dash).trim());
            LocalTime end = time(range.substring(dash + 1).trim());
            if (start.equals(end)) {
                throw new IllegalArgumentException("'" + range + "' starts and ends at the same time");
            }
            ranges.add(new Range(start, end));
        }
        return new Schedule(ranges, text.trim());
    }

    private static LocalTime time(String s) {
        try {
            return LocalTime.parse(s.length() == 4 ? "0" + s : s, HH_MM);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + s + "' is not a time of day HH:mm (00:00 to 23:59)");
        }
    }

    /** Whether this schedule names any time at all. */
    public boolean any() {
        return !ranges.isEmpty();
    }

    /** Whether {@code t} is inside one of the ranges. */
    public boolean covers(LocalTime t) {
        for (Range r : ranges) {
            if (r.covers(t)) {
                return true;
            }
        }
        return false;
    }

    /** The first start or end of a range after {@code now} (within the next day); null for {@link #NONE}. */
    public LocalDateTime nextChange(LocalDateTime now) {
        LocalDateTime next = null;
        for (Range r : ranges) {
            for (LocalTime t : List.of(r.start, r.end)) {
                LocalDateTime at = now.toLocalDate().atTime(t);
                if (!at.isAfter(now)) {
                    at = at.plusDays(1);
                }
                if (next == null || at.isBefore(next)) {
                    next = at;
                }
            }
        }
        return next;
    }

    @Override
    public String toString() {
        return text;
    }
}
