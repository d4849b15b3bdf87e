package camstream.record;

import camstream.config.RecordOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Whether a camera's recordings folder takes files: checked at start, set wrong by a write that
 * failed, looked at again every few seconds until it takes a file again. Each change is said once in
 * the log (WARNING when recording stops, INFO when it resumes) and is the camera's recording problem
 * in the {@link Library}. Used by the recorder's thread; read from any.
 */
final class FolderWatch {

    private static final Logger LOG = Logger.getLogger(FolderWatch.class.getName());
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String camera;
    private final Library library;
    private final Path folder;
    private final Path webapp;
    private final RecordOptions options;
    private final AtomicLong errors = new AtomicLong();
    /** Why this camera cannot record at all (a folder inside the webapp); never looked at again. */
    private volatile String disabled;
    private long retryAt;
    /** The folder has not taken a file yet: its problem names the setting, as at start. */
    private boolean unproven = true;

    FolderWatch(String camera, Library library, Path webapp, RecordOptions options) {
        this.camera = camera;
        this.library = library;
        this.folder = library.folder(camera);
        this.webapp = webapp;
        this.options = options;
    }

    /** The check at start; false when this camera can never record here. */
    boolean start(long now) {
        String bad = DiskCheck.check(folder, webapp);
        if (bad != null && bad.startsWith(DiskCheck.INSIDE_WEBAPP)) {
            disabled = setting() + folder + " " + bad;
            LOG.warning(() -> "Camera '" + camera + "': " + disabled + "; not recording");
            return false;
        }
        if (bad != null) {
            problem(setting() + folder + " " + bad, now);
        } else {
            unproven = false;
        }
        return true;
    }

    /** Whether files may be begun now. */
    boolean ok() {
        return disabled == null && library.problem(camera) == null;
    }

    /** The folder or the settings problem, null when none. */
    String problem() {
        if (disabled != null) {
            return disabled;
        }
        String p = library.problem(camera);
        return p != null ? p : options.problem();
    }

    String disabled() {
        return disabled;
    }

    long errors() {
        return errors.get();
    }

    /** A write failed: recording stops until the folder takes a file again. */
    void failed(IOException e, long now) {
        errors.incrementAndGet();
        problem("cannot write to " + folder + ": " + DiskCheck.why(e), now);
    }

    /** Looks at a folder that had a problem again, when due. */
    void recheck(long now) {
        if (library.problem(camera) == null || now - retryAt < 0) {
            return;
        }
        String why = DiskCheck.check(folder, webapp);
        if (why == null) {
            library.problem(camera, null);
            LOG.info(() -> "Camera '" + camera + "': recording " + (unproven ? "begins" : "resumes") + " in " + folder);
            unproven = false;
        } else {
            problem(unproven ? setting() + folder + " " + why
                    : "cannot write to " + folder + ": " + why.replaceFirst("^" + DiskCheck.NOT_WRITABLE, ""), now);
        }
    }

    private String setting() {
        return "setting " + options.dirSetting() + "='" + options.dir() + "': ";
    }

    private void problem(String why, long now) {
        retryAt = now + RETRY_NANOS;
        if (library.problem(camera, why)) {
            String what = unproven ? "not recording: " : "recording stopped: ";
            LOG.warning(() -> "Camera '" + camera + "': " + what + why + "; live pictures go on; retried every "
                    + TimeUnit.NANOSECONDS.toSeconds(RETRY_NANOS) + " s");
        }
    }
}
