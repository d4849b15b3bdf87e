package camstream.record;

import camstream.camera.Camera;
import camstream.config.RecordOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The recordings of one webapp: the {@link Library} and a {@link Recorder} for each camera that has a
 * recordings directory. Started after the cameras, stopped before them.
 */
public final class Recordings {

    private static final Logger LOG = Logger.getLogger(Recordings.class.getName());

    /** {@code /status}: a camera's recordings, newest first, at most this many. */
    public static final int STATUS_LIMIT = 50;

    private final Library library;
    private final Map<String, Recorder> recorders = new LinkedHashMap<>();

    private Recordings(Library library) {
        this.library = library;
    }

    /** @param webapp the webapp's own directory (null when it runs from a packed WAR): no recordings inside it */
    public static Recordings start(Collection<Camera> cameras, Path webapp) {
        Map<String, Path> folders = new LinkedHashMap<>();
        for (Camera c : cameras) {
            RecordOptions o = c.config().record();
            if (o.dir() != null) {
                folders.put(c.id(), o.dir().resolve(c.id()));
            }
        }
        Recordings r = new Recordings(new Library(folders));
        for (Camera c : cameras) {
            if (folders.containsKey(c.id())) {
                Recorder rec = new Recorder(c, r.library, webapp);
                r.recorders.put(c.id(), rec);
                if ("motion".equals(c.config().record().mode())) {
                    if (c.motion() != null) {
                        c.motion().listen(rec);
                    } else {
                        LOG.warning(() -> "Camera '" + c.id() + "': " + c.config().key("record")
                                + "=motion records nothing while " + c.config().key("motion") + " is not on");
                    }
                }
                rec.start();
            }
        }
        return r;
    }

    public Library library() {
        return library;
    }

    /** The camera's recorder, or null when it has no recordings directory. */
    public Recorder recorder(String camera) {
        return recorders.get(camera);
    }

    /** Every recorder finishes its file; waits until {@code deadlineNanos} at most. Returns the ones that did not end. */
    public List<String> stop(long deadlineNanos) throws InterruptedException {
        for (Recorder r : recorders.values()) {
            r.signalStop();
        }
        List<String> stuck = new ArrayList<>();
        for (Recorder r : recorders.values()) {
            if (!r.join(deadlineNanos)) {
                stuck.add(r.camera());
            }
        }
        return stuck;
    }

    /** A camera's {@code recording} in {@code /status}. */
    public record State(String mode, boolean active, String problem, String format, long dropped) {
    }

    /** One recording in {@code /status} and in {@code /recordings/{camera}}. */
    public record Entry(String url, String start, double seconds, String kind, String format, long bytes, boolean live,
                        String thumbnail) {

        public static Entry of(Recording r) {
            return new Entry(r.url(), r.start().toString(), Math.round(r.seconds() * 100) / 100.0, r.kind(), r.format(),
                    r.bytes(), r.live(), r.thumbnailUrl());
        }
    }

    /** The camera's {@code recording} for {@code /status}. */
    public State state(String camera) {
        Recorder r = recorders.get(camera);
        if (r == null) {
            return new State("off", false, null, null, 0);
        }
        return new State(r.mode(), r.active(), r.problem(), r.format(), r.dropped());
    }

    /** The camera's recordings for {@code /status}: newest first, at most {@link #STATUS_LIMIT}. */
    public List<Entry> entries(String camera) {
        List<Entry> out = new ArrayList<>();
        for (Recording r : library.list(camera)) {
            if (out.size() == STATUS_LIMIT) {
                break;
            }
            out.add(Entry.of(r));
        }
        return out;
    }
}
