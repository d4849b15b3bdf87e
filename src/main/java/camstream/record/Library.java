package camstream.record;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * All recordings of all cameras: each camera's folder ({@code {dir}/{camera}}) scanned for
 * {@code yyyyMMdd-HHmmss-kind.(mp4|avi)}, with the files being written now known as live. Names
 * that do not match are never opened; a name from a request is looked up in the list, never used
 * as a path as given.
 *
 * <p>A closed recording's length comes from its sidecar {@code {base}.json}; a file without one
 * (the server died while writing it) has its length worked out once from the file, and the sidecar
 * written then.
 */
public final class Library {

    private static final Logger LOG = Logger.getLogger(Library.class.getName());
    static final Pattern NAME = Pattern.compile("([0-9]{8}-[0-9]{6})-([a-z]+)\\.(mp4|avi|jpg)");
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Comparator<Recording> NEWEST_FIRST =
            Comparator.comparing(Recording::start).thenComparing(Recording::file).reversed();

    private final Map<String, Path> folders;
    private final Map<String, Map<String, Recording>> closed = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Live>> live = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();

    /** @param folders each recording camera's folder, {@code {dir}/{camera}}; other cameras have none */
    public Library(Map<String, Path> folders) {
        this.folders = Map.copyOf(folders);
        for (String camera : this.folders.keySet()) {
            closed.put(camera, new ConcurrentHashMap<>());
            live.put(camera, new ConcurrentHashMap<>());
        }
    }

    /** The camera's folder, or null when it has no recordings directory. */
    public Path folder(String camera) {
        return folders.get(camera);
    }

    /** The camera's recordings, newest first; empty for a camera that does not record. */
    public List<Recording> list(String camera) {
        Path folder = folders.get(camera);
        if (folder == null) {
            return List.of();
        }
        Map<String, Recording> known = closed.get(camera);
        Map<String, Live> writing = live.get(camera);
        List<Recording> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                Matcher m = NAME.matcher(name);
                if (!m.matches() || m.group(3).equals("jpg")) {
                    continue;
                }
                seen.add(name);
                Live l = writing.get(name);
                if (l != null) {
                    out.add(l.recording());
                    continue;
                }
                Recording r = known.get(name);
                if (r == null) {
                    r = load(camera, folder, m);
                    if (r == null) {
                        continue;
                    }
                    known.put(name, r);
                }
                out.add(r);
            }
        } catch (NoSuchFileException e) {
            // No folder (yet, or any more): nothing recorded.
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot list " + folder, e);
        }
        known.keySet().retainAll(seen);
        out.sort(NEWEST_FIRST);
        return out;
    }

    /** The recording of that name, or null: {@code file} is only compared with the names listed. */
    public Recording find(String camera, String file) {
        if (file == null || !NAME.matcher(file).matches()) {
            return null;
        }
        for (Recording r : list(camera)) {
            if (r.file().equals(file)) {
                return r;
            }
        }
        return null;
    }

    public Path path(Recording r) {
        return folders.get(r.camera()).resolve(r.file());
    }

    /** Its first picture, or null when it has none. */
    public Path thumbnail(Recording r) {
        return r.thumbnail() == null ? null : folders.get(r.camera()).resolve(r.thumbnail());
    }

    /**
     * Deletes the recording, its thumbnail and sidecar.
     *
     * @return false when there is no such recording
     * @throws IllegalStateException when it is being written now
     */
    public boolean delete(String camera, String file) {
        Recording r = find(camera, file);
        return r != null && delete(r);
    }

    /** Deletes a recording {@link #list} gave (without listing again), unless it is being written now. */
    boolean delete(Recording r) {
        if (r.live() || live.get(r.camera()).containsKey(r.file())) {
            throw new IllegalStateException(r.file() + " is being recorded now");
        }
        Path folder = folders.get(r.camera());
        try {
            Files.deleteIfExists(folder.resolve(r.base() + ".jpg"));
            Files.deleteIfExists(folder.resolve(r.base() + ".json"));
            boolean gone = Files.deleteIfExists(folder.resolve(r.file()));
            closed.get(r.camera()).remove(r.file());
            return gone;
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + r.file() + ": " + e.getMessage(), e);
        }
    }

    /** Why this camera does not record now (bad directory, disk full, read-only), null when fine. */
    public String problem(String camera) {
        return problems.get(camera);
    }

    /** Sets or (null) clears the camera's problem; returns whether it changed. */
    boolean problem(String camera, String why) {
        String before = why == null ? problems.remove(camera) : problems.put(camera, why);
        return !java.util.Objects.equals(before, why);
    }

    /**
     * A new recording about to be written: its name from its first picture's time (a second later
     * while that name is taken). The caller writes {@link Live#path()}, tells {@link Live#update}
     * as it grows and {@link Live#close} when done.
     */
    public Live begin(String camera, String kind, String format, Instant start) {
        Path folder = folders.get(camera);
        if (folder == null) {
            throw new IllegalStateException("camera " + camera + " has no recordings directory");
        }
        Instant at = start;
        String file;
        while (true) {
            String base = STAMP.format(at) + "-" + kind;
            file = base + "." + format;
            if (!live.get(camera).containsKey(file) && !Files.exists(folder.resolve(file))
                    && !Files.exists(folder.resolve(base + ".jpg"))) {
                break;
            }
            at = at.plusSeconds(1);
        }
        Live l = new Live(camera, folder, file, kind, format, start);
        live.get(camera).put(file, l);
        return l;
    }

    /** A closed recording as its sidecar says, or worked out from the file (and the sidecar written). */
    private Recording load(String camera, Path folder, Matcher m) {
        String file = m.group(0);
        String base = m.group(1) + "-" + m.group(2);
        String format = m.group(3);
        Path path = folder.resolve(file);
        try {
            long bytes = Files.size(path);
            String thumbnail = Files.exists(folder.resolve(base + ".jpg")) ? base + ".jpg" : null;
            Path sidecar = folder.resolve(base + ".json");
            Instant start = STAMP.parse(m.group(1), Instant::from);
            if (Files.exists(sidecar)) {
                Sidecar.Content c = Sidecar.read(sidecar);
                if (c != null) {
                    return new Recording(camera, file, m.group(2), format, c.start(), c.seconds(), bytes, false, thumbnail);
                }
                LOG.fine(() -> "unreadable sidecar " + sidecar + ", working the length out again");
            }
            MediaLength.Length length = MediaLength.of(path, format);
            try {
                Sidecar.write(folder, base, start, length.seconds(), m.group(2), format, length.pictures());
            } catch (IOException e) {
                LOG.fine(() -> "cannot write the sidecar of " + path + " (" + e.getMessage() + "); worked out again next time");
            }
            return new Recording(camera, file, m.group(2), format, start, length.seconds(), bytes, false, thumbnail);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | DateTimeParseException e) {
            LOG.log(Level.FINE, "cannot read " + path, e);
            return null;
        }
    }

    /** Written beside under a name no listing matches, then moved over: readers see all or nothing. */
    static void writeAtomically(Path target, byte[] bytes, int offset, int length) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (var out = Files.newOutputStream(tmp)) {
                out.write(bytes, offset, length < 0 ? bytes.length : length);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A recording being written: its length grows with each {@link #update}; closing writes its sidecar. */
    public final class Live {
        private final String camera;
        private final Path folder;
        private final String file;
        private final String kind;
        private final String format;
        private final Instant start;
        private volatile Recording now;
        private volatile int pictures;
        private volatile boolean thumbnail;

        private Live(String camera, Path folder, String file, String kind, String format, Instant start) {
            this.camera = camera;
            this.folder = folder;
            this.file = file;
            this.kind = kind;
            this.format = format;
            this.start = start;
            this.now = new Recording(camera, file, kind, format, start, 0, 0, true, null);
        }

        /** Where to write it. */
        public Path path() {
            return folder.resolve(file);
        }

        public String file() {
            return file;
        }

        public Recording recording() {
            return now;
        }

        /** Writes {@code {base}.jpg}, the recording's first picture. */
        public void thumbnail(byte[] jpeg, int length) throws IOException {
            writeAtomically(folder.resolve(base() + ".jpg"), jpeg, 0, length);
            thumbnail = true;
            now = new Recording(camera, file, kind, format, start, now.seconds(), now.bytes(), true, base() + ".jpg");
        }

        /** What is in the file now. */
        public void update(double seconds, long bytes, int pictures) {
            this.pictures = pictures;
            now = new Recording(camera, file, kind, format, start, seconds, bytes, true, thumbnail ? base() + ".jpg" : null);
        }

        /**
         * Done: the sidecar is written (when {@code complete}; else the Library works the length out
         * from the file later) and the recording is listed as closed. Safe to call twice.
         */
        public void close(boolean complete) {
            if (live.get(camera).remove(file, this)) {
                Recording r = now;
                Recording done = new Recording(camera, file, kind, format, start, r.seconds(), r.bytes(), false, r.thumbnail());
                if (complete) {
                    try {
                        Sidecar.write(folder, base(), start, r.seconds(), kind, format, pictures);
                        closed.get(camera).put(file, done);
                    } catch (IOException e) {
                        LOG.log(Level.FINE, "cannot write the sidecar of " + file, e);
                    }
                }
            }
        }

        private String base() {
            return file.substring(0, file.lastIndexOf('.'));
        }
    }
}
