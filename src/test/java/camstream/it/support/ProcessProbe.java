package camstream.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a container's JVM holds, seen from outside as an operator would look: live objects through
 * {@code jcmd}, open and mapped files and child processes through {@code /proc} (Linux).
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

    /**
     * The processes this one started and has not reaped (its children, from {@code /proc}), each as
     * "PID: command line"; one that ended unreaped shows as "PID: (defunct)".
     */
    public List<String> children() {
        return ProcessHandle.of(pid).map(p -> p.children().map(c -> commandLine(c.pid())).toList()).orElse(List.of());
    }

    /**
     * Processes other than this one whose command line contains {@code text}, each as "PID: command
     * line", from {@code /proc}: what this one started and left behind, even once it is no longer their parent.
     */
    public List<String> othersMentioning(String text) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .mapToLong(Long::parseLong).filter(p -> p != pid).mapToObj(ProcessProbe::commandLine)
                    .filter(c -> c.contains(text)).toList();
        }
    }

    private static String commandLine(long pid) {
        String line;
        try {
            line = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            line = ""; // ended meanwhile
        }
        return pid + ": " + (line.isEmpty() ? "(defunct)" : line);
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
