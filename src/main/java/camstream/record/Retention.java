package camstream.record;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** Keeps a camera's recordings within its age and size limits: the oldest go first, a live one never. */
final class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class.getName());

    private Retention() {
    }

    /**
     * Deletes the camera's oldest closed recordings while any is older than {@code keepDays} or all
     * together are over {@code keepSize} bytes (0: no such limit). Returns the files deleted.
     */
    static List<String> apply(Library library, String camera, int keepDays, long keepSize, Instant now) {
        if (keepDays <= 0 && keepSize <= 0) {
            return List.of();
        }
        List<Recording> all = library.list(camera);
        long total = 0;
        for (Recording r : all) {
            total += r.bytes();
        }
        Instant oldest = keepDays > 0 ? now.minus(Duration.ofDays(keepDays)) : Instant.MIN;
        List<String> deleted = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            Recording r = all.get(i);
            boolean tooOld = r.start().isBefore(oldest);
            boolean tooMuch = keepSize > 0 && total > keepSize;
            if (!tooOld && !tooMuch) {
                break;
            }
            if (r.live()) {
                continue;
            }
            try {
                if (library.delete(r)) {
                    total -= r.bytes();
                    deleted.add(r.file());
                }
            } catch (IllegalStateException e) {
                LOG.warning(() -> "Camera '" + camera + "': recording " + r.file() + " not deleted: " + e.getMessage());
            }
        }
        if (!deleted.isEmpty()) {
            LOG.fine(() -> "Camera '" + camera + "': deleted " + deleted + " to keep within the retention settings");
        }
        return deleted;
    }
}
