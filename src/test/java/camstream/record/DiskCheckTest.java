package camstream.record;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recordings folder's check at start and after a failure, and failures in words. */
class DiskCheckTest {

    @TempDir
    Path dir;

    @Test
    void aFolderThatCanBeMadeAndWrittenIsFineAndLeftEmpty() throws Exception {
        Path folder = dir.resolve("recordings/cam");
        assertNull(DiskCheck.check(folder, dir.resolve("webapp")));
        assertTrue(Files.isDirectory(folder));
        try (var s = Files.list(folder)) {
            assertEquals(0, s.count(), "the probe is deleted");
        }
    }

    @Test
    void aFolderInsideTheWebappIsRefused() {
        String why = DiskCheck.check(dir.resolve("webapp/WEB-INF/../recordings/cam"), dir.resolve("webapp"));
        assertTrue(why.startsWith(DiskCheck.INSIDE_WEBAPP), why);
        assertTrue(why.contains("outside"), why);
    }

    @Test
    void aFileWhereTheFolderShouldBeIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertTrue(DiskCheck.check(file.resolve("cam"), null).startsWith("cannot be created"));
        assertEquals("is not a directory", DiskCheck.check(file, null));
    }

    @Test
    void failuresAreSaidInWords() {
        assertEquals("the disk is full (No space left on device)",
                DiskCheck.why(new FileSystemException("/r/cam/x.mp4", null, "No space left on device")));
        assertEquals("the disk is full (No space left on device)", DiskCheck.why(new IOException("No space left on device")));
        assertEquals("the file system is read-only",
                DiskCheck.why(new FileSystemException("/r/cam/x.mp4", null, "Read-only file system")));
        assertEquals("the directory is gone", DiskCheck.why(new NoSuchFileException("/r/cam/x.mp4")));
        assertEquals("permission denied", DiskCheck.why(new AccessDeniedException("/r/cam/x.mp4")));
    }
}
