package camstream.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a container's JVM holds, seen from outside as an operator would look: live objects through
 * {@code jcmd}, open and mapped files through {@code /proc} (Linux).
 */
public final class ProcessProbe {

    private static final String DELETED = " (deleted)";

    private final long pid;
    private final Path workDir;

    /** {@code workDir} takes jcmd's output files. */
    public ProcessProbe(ProcessHandle jvm, Path workDir) {
        this.pid = jvm.pid();
        this.workDir = workDir;
    }

    /**
     * Live instances of the class named {@code className} (all of its copies, whatever their loader),
     * from {@code jcmd GC.class_histogram}, which runs a full GC first.
     */
    public long liveInstances(String className) throws IOException, InterruptedException {
        String histogram = jcmd("GC.class_histogram");
        // "  12:   3   456  org.example.Name" or, for a class of a named module, "... java.lang.String (java.base@17)"
        return histogram.lines().map(String::strip).map(l -> l.split("\\s+"))
                .filter(f -> f.length >= 4 && f[0].endsWith(":") && f[3].equals(className))
                .mapToLong(f -> Long.parseLong(f[1])).sum();
    }

    /** Descriptors open on deleted files whose name starts with {@code prefix}. */
    public long openDeletedFiles(String prefix) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.map(ProcessProbe::target).filter(t -> deleted(t, prefix)).count();
        }
    }

    /** Distinct deleted files whose name starts with {@code prefix} that are mapped into the process. */
    public long mappedDeletedFiles(String prefix) throws IOException {
        List<String> maps = Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps"));
        return maps.stream().filter(l -> l.indexOf('/') >= 0).map(l -> l.substring(l.indexOf('/')))
                .filter(t -> deleted(t, prefix)).distinct().count();
    }

    private static boolean deleted(String target, String prefix) {
        return target.endsWith(DELETED) && target.substring(target.lastIndexOf('/') + 1).startsWith(prefix);
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return ""; // closed meanwhile
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Tools.Result r = Tools.run(120, workDir, List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command));
        if (r.exitCode() != 0) {
            throw new AssertionError("jcmd " + command + " failed: " + r.output());
        }
        return r.output();
    }
}
