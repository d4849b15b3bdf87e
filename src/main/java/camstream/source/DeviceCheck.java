package camstream.source;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Why a camera's device node cannot be used, in words that say how to fix it. OpenCV only says that a
 * device did not open; the file system tells a missing camera from one camstream may not open
 * (permission), one another program holds (busy), and a node that is no camera at all.
 */
final class DeviceCheck {

    /** Opens a device node the way V4L2 capture does, for reading and writing, and closes it again. */
    interface Probe {
        void open(Path node) throws IOException;
    }

    static final Probe READ_WRITE = node -> {
        try (FileChannel ignored = FileChannel.open(node, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // opening is the test
        }
    };

    private static final Path PROC = Path.of("/proc");

    private final Probe probe;
    private final String user;

    DeviceCheck(Probe probe, String user) {
        this.probe = probe;
        this.user = user;
    }

    /** The check as it runs in camstream: the real node, opened as the user running the server. */
    static DeviceCheck system() {
        return new DeviceCheck(READ_WRITE, System.getProperty("user.name", "?"));
    }

    /**
     * Before OpenCV tries: why {@code node} cannot be opened, or null when it opens.
     *
     * @param describe how the setting names the camera ("device 0"), for the missing case
     */
    String beforeOpen(Path node, String describe) {
        if (!Files.exists(node)) {
            return "no camera at " + describe;
        }
        try {
            probe.open(node);
            return null;
        } catch (AccessDeniedException e) {
            return permissionDenied(node);
        } catch (NoSuchFileException e) {
            return "no camera at " + describe;
        } catch (FileSystemException e) {
            String reason = String.valueOf(e.getReason()).toLowerCase(Locale.ROOT);
            if (reason.contains("busy")) {
                return busy(node, holders(node));
            }
            if (reason.contains("no such device")) {
                return node + " is there but its camera is not: unplugged, or its driver failed (see dmesg)";
            }
            return "cannot open " + node + ": " + e.getReason();
        } catch (IOException e) {
            return "cannot open " + node + ": " + e.getMessage();
        }
    }

    /** After a node that opens did not open as a camera in OpenCV: another program has it, or it is no capture device. */
    String afterOpenFailed(Path node) {
        if (Files.isRegularFile(node) || Files.isDirectory(node)) {
            return node + " is not a camera (a " + (Files.isDirectory(node) ? "folder" : "regular file") + ")";
        }
        Holders holders = holders(node);
        if (!holders.names().isEmpty()) {
            return busy(node, holders);
        }
        return "cannot capture from " + node + ": not a capture device (some cameras add a second node"
                + " for metadata; try the other /dev/video*)"
                + (holders.complete() ? "" : ", or busy with a program of another user (sudo fuser -v " + node + " shows which)");
    }

    private String permissionDenied(Path node) {
        String group = group(node);
        String fix = group == null
                ? "give the user running the server (" + user + ") read and write access to it"
                : "add the user running the server (" + user + ") to the group " + group
                        + " (sudo usermod -aG " + group + " " + user + "), then restart the server";
        return "permission denied on " + node + ": " + fix;
    }

    private static String busy(Path node, Holders holders) {
        String who = holders.names().isEmpty() ? "another program" : String.join(", ", holders.names());
        return node + " is busy: in use by " + who + "; stop it, or choose another camera";
    }

    private static String group(Path node) {
        try {
            return Files.readAttributes(node, PosixFileAttributes.class).group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * The processes that have the node open, as "name (pid N)", from {@code /proc/PID/fd}, as fuser
     * finds them. Those of other users are hidden unless the server runs as root: then
     * {@code complete} is false.
     */
    record Holders(List<String> names, boolean complete) {
    }

    static Holders holders(Path node) {
        Path target;
        try {
            target = node.toRealPath();
        } catch (IOException e) {
            return new Holders(List.of(), false);
        }
        List<String> names = new ArrayList<>();
        boolean complete = Files.isDirectory(PROC);
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path pid : pids) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(pid.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (opens(fd, target)) {
                            long n = Long.parseLong(pid.getFileName().toString());
                            names.add(n == self ? "this server (pid " + n + "; another camera with the same device?)"
                                    : command(pid) + " (pid " + n + ")");
                            break;
                        }
                    }
                } catch (AccessDeniedException e) {
                    complete = false;
                } catch (IOException e) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            return new Holders(names, false);
        }
        return new Holders(names, complete);
    }

    private static boolean opens(Path fd, Path target) {
        try {
            return Files.isSymbolicLink(fd) && Files.readSymbolicLink(fd).equals(target);
        } catch (IOException e) {
            return false;
        }
    }

    private static String command(Path pid) {
        try {
            return Files.readString(pid.resolve("comm")).strip();
        } catch (IOException e) {
            return "a process";
        }
    }
}
