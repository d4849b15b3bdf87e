package camstream.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How a camera that cannot be used is told apart, on files made here: a regular file stands in for the
 * device node. The file system's answers that cannot be made with files (EBUSY at open, a vanished
 * device) and a permission denied when the tests run as root (where permissions do not bite) come
 * from a probe that answers as the kernel would.
 */
class DeviceCheckTest {

    @TempDir
    Path dir;

    private static DeviceCheck answering(IOException e) {
        return new DeviceCheck(node -> {
            throw e;
        }, "tomcat");
    }

    @Test
    void aMissingNodeIsNoCamera() {
        assertEquals("no camera at device 0", DeviceCheck.system().beforeOpen(dir.resolve("video0"), "device 0"));
    }

    @Test
    void aNodeThatOpensForReadingAndWritingIsLeftToOpenCv() throws IOException {
        Path node = Files.createFile(dir.resolve("video0"));
        assertNull(DeviceCheck.system().beforeOpen(node, "device 0"));
    }

    @Test
    void permissionDeniedSaysWhichUserToAddToWhichGroup() throws IOException {
        Path node = Files.createFile(dir.resolve("video0"));
        String group = Files.readAttributes(node, PosixFileAttributes.class).group().getName();
        String why = answering(new AccessDeniedException(node.toString())).beforeOpen(node, "device 0");
        assertEquals("permission denied on " + node + ": add the user running the server (tomcat) to the group "
                + group + " (sudo usermod -aG " + group + " tomcat), then restart the server", why);
    }

    @Test
    void aNodeThisUserMayNotOpenIsPermissionDenied() throws IOException {
        Path node = Files.createFile(dir.resolve("video0"));
        Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(node), "running as root, for whom file permissions do not apply;"
                + " permissionDeniedSaysWhichUserToAddToWhichGroup covers the message");
        String why = DeviceCheck.system().beforeOpen(node, "device 0");
        assertTrue(why.startsWith("permission denied on " + node + ": add the user running the server ("
                + System.getProperty("user.name") + ") to the group "), why);
    }

    @Test
    void busyAtOpenNamesTheDevice() throws IOException {
        Path node = Files.createFile(dir.resolve("video0"));
        String why = answering(new FileSystemException(node.toString(), null, "Device or resource busy"))
                .beforeOpen(node, "device 0");
        assertEquals(node + " is busy: in use by another program; stop it, or choose another camera", why);
    }

    @Test
    void aNodeWhoseDeviceIsGoneSaysUnplugged() throws IOException {
        Path node = Files.createFile(dir.resolve("video0"));
        String why = answering(new FileSystemException(node.toString(), null, "No such device"))
                .beforeOpen(node, "device 0");
        assertTrue(why.startsWith(node + " is there but its camera is not: unplugged"), why);
    }

    @Test
    void aRegularFileThatOpenCvCannotOpenIsNoCamera() throws IOException {
        Path node = Files.createFile(dir.resolve("video0"));
        assertEquals(node + " is not a camera (a regular file)", DeviceCheck.system().afterOpenFailed(node));
    }

    @Test
    void aNodeAnotherProgramHoldsIsBusyWithThatProgramsNameAndPid() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc to see who holds a file");
        Path node = Files.createFile(dir.resolve("video0"));
        // sleep holds the file open on descriptor 3, as a program streaming from the camera would
        Process holder = new ProcessBuilder("sh", "-c", "exec 3<\"$0\"; exec sleep 30", node.toString()).start();
        try {
            String pid = Long.toString(holder.pid());
            String holders = "";
            for (int i = 0; i < 100 && !holders.contains(pid); i++) {
                holders = String.join(", ", DeviceCheck.holders(node).names());
                Thread.sleep(50); // until sh has opened the file and become sleep
            }
            assertEquals("sleep (pid " + pid + ")", holders);
            String why = new DeviceCheck(DeviceCheck.READ_WRITE, "tomcat").beforeOpen(node, "device 0");
            assertNull(why, "a camera another program streams from still opens: V4L2 says busy only when capture starts");
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
