package camstream.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** Whether a camera's recordings folder can be written now, and a failure in words a person understands. */
final class DiskCheck {

    /** Written and deleted by each check: a folder that cannot take this cannot take a recording. */
    private static final int PROBE_BYTES = 64 * 1024;
    private static final String PROBE = ".camstream-probe";
    static final String INSIDE_WEBAPP = "is inside the webapp";
    static final String NOT_WRITABLE = "cannot be written: ";

    private DiskCheck() {
    }

    /**
     * Null when {@code folder} exists (or could be made), is a directory and takes a small file now;
     * else why not. {@code webapp}: the webapp's own directory (null when unknown), where recordings
     * would be served to anyone as they are.
     */
    static String check(Path folder, Path webapp) {
        Path abs = folder.toAbsolutePath().normalize();
        if (webapp != null && abs.startsWith(webapp.toAbsolutePath().normalize())) {
            return INSIDE_WEBAPP + " (" + webapp + "), which would serve the recordings to anyone; choose a directory outside it";
        }
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            return "is not a directory";
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            return "cannot be created: " + why(e);
        }
        Path probe = abs.resolve(PROBE);
        try (FileChannel out = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.allocate(PROBE_BYTES);
            while (b.hasRemaining()) {
                out.write(b);
            }
            out.force(false);
        } catch (IOException e) {
            return NOT_WRITABLE + why(e);
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // Not there, or a read-only folder already said so.
            }
        }
        return null;
    }

    /** A write failure in words: disk full, read-only, gone, not allowed, else the system's message. */
    static String why(IOException e) {
        String msg = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : String.valueOf(e.getMessage());
        String lower = msg.toLowerCase(Locale.ROOT);
        if (lower.contains("no space") || lower.contains("quota")) {
            return "the disk is full (" + msg + ")";
        }
        if (lower.contains("read-only")) {
            return "the file system is read-only";
        }
        if (e instanceof NoSuchFileException || lower.contains("no such file")) {
            return "the directory is gone";
        }
        if (e instanceof AccessDeniedException || lower.contains("permission denied")) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file is in the way (" + e.getMessage() + ")";
        }
        return msg;
    }
}
