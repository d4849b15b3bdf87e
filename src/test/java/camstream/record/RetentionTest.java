package camstream.record;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Retention over a real folder: oldest first, by size and by age, never the file being written. */
class RetentionTest {

    @TempDir
    Path dir;

    private Library library;

    private void recording(String start, int bytes, boolean close) throws Exception {
        Library.Live l = library.begin("cam", "continuous", "avi", Instant.parse(start));
        Files.write(l.path(), new byte[bytes]);
        l.update(10, bytes, 100);
        if (close) {
            l.close(true);
        }
    }

    private List<String> files() {
        return library.list("cam").stream().map(Recording::file).toList();
    }

    @Test
    void overTheSizeTheOldestGoFirstButTheLiveOneStays() throws Exception {
        library = new Library(Map.of("cam", Files.createDirectories(dir.resolve("cam"))));
        recording("2026-12-07T08:00:00Z", 1000, false); // the oldest, still being written
        recording("2026-12-07T09:00:00Z", 1000, true);
        recording("2026-12-07T10:00:00Z", 1000, true);
        recording("2026-12-07T11:00:00Z", 1000, true);
        List<String> deleted = Retention.apply(library, "cam", 0, 2500, Instant.parse("2026-12-07T12:00:00Z"));
        assertEquals(List.of("20261207-090000-continuous.avi", "20261207-100000-continuous.avi"), deleted);
        assertEquals(List.of("20261207-110000-continuous.avi", "20261207-080000-continuous.avi"), files());
    }

    @Test
    void olderThanKeepDaysIsDeletedAndNothingElse() throws Exception {
        library = new Library(Map.of("cam", Files.createDirectories(dir.resolve("cam"))));
        recording("2026-12-01T10:00:00Z", 10, true);
        recording("2026-12-05T10:00:00Z", 10, true);
        recording("2026-12-07T10:00:00Z", 10, true);
        assertEquals(List.of("20261201-100000-continuous.avi"),
                Retention.apply(library, "cam", 3, 0, Instant.parse("2026-12-07T12:00:00Z")));
        assertEquals(List.of(), Retention.apply(library, "cam", 0, 0, Instant.parse("2026-12-07T12:00:00Z")),
                "no limits, nothing deleted");
        assertEquals(2, files().size());
    }
}
