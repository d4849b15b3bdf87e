package camstream.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BenchOptionsTest {

    @Test
    void viewers_are_spread_evenly_over_the_variant_queries_the_first_taking_what_is_left() {
        assertArrayEquals(new int[] {1, 1, 1, 1}, Bench.spread(4, 4));
        assertArrayEquals(new int[] {3, 3, 2, 2}, Bench.spread(10, 4));
        assertArrayEquals(new int[] {1, 0, 0}, Bench.spread(1, 3));
        assertArrayEquals(new int[] {50}, Bench.spread(50, 1));
    }

    @Test
    void camera_settings_are_key_value_pairs_in_the_order_given() {
        Map<String, String> m = Bench.keyValues("rotate=180, quality=70,overlay=timestamp");
        assertEquals(List.of("rotate", "quality", "overlay"), List.copyOf(m.keySet()));
        assertEquals(List.of("180", "70", "timestamp"), List.copyOf(m.values()));
        assertEquals(Map.of(), Bench.keyValues(""));
    }

    @Test
    void a_setting_without_a_value_is_refused_by_name() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bench.keyValues("rotate"));
        assertEquals("expected key=value, not rotate", e.getMessage());
    }
}
