package camstream.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The server JVM's CPU over a window, thread by thread from {@code /proc/PID/task}, in three groups:
 * camstream's camera threads (capture, encoders, RTSP reading and decoding: {@code camstream-*} but its
 * writers), the JVM's own (garbage collector, JIT compilers, VM threads), and the rest, which deliver:
 * the container's threads and camstream's writers. A thread that ends inside the window takes its time
 * with it: the process's CPU minus the three groups is left over as unattributed.
 */
final class ServerThreads {

    /**
     * CPU seconds of each group in the window; of the camera threads', those of the capture threads, the RTSP
     * readers (and their error-output readers), the decoders' pipes and the encoders.
     */
    record Usage(double camera, double jvm, double delivery, double capture, double rtsp, double decode, double encode) {
    }

    // Names as the kernel keeps them: the first 15 characters.
    private static final Pattern JVM = Pattern.compile("^(GC Thread|G1 |C1 CompilerThre|C2 CompilerThre|VM |Sweeper"
            + "|Service Thread|Monitor Deflati|Signal Dispatch|Finalizer|Reference Handl|Notification Th|Common-Cleaner"
            + "|Attach Listene)");

    private final Path tasks;
    private final Map<String, Double> atStart;

    private ServerThreads(long pid) throws IOException {
        this.tasks = Path.of("/proc", Long.toString(pid), "task");
        this.atStart = cpuByThread();
    }

    /** Starts the window: each thread's CPU time so far. */
    static ServerThreads start(long pid) throws IOException {
        return new ServerThreads(pid);
    }

    /** Ends the window: CPU time each group used since it began. */
    Usage stop() throws IOException {
        double camera = 0, jvm = 0, delivery = 0, capture = 0, rtsp = 0, decode = 0, encode = 0;
        Map<String, Double> now = cpuByThread();
        for (Map.Entry<String, Double> e : now.entrySet()) {
            String tid = e.getKey().substring(0, e.getKey().indexOf(' '));
            String name = e.getKey().substring(tid.length() + 1);
            double used = e.getValue() - atStart.getOrDefault(e.getKey(), 0.0);
            if (name.startsWith("camstream-") && !name.startsWith("camstream-write")) {
                camera += used;
                capture += name.startsWith("camstream-captu") ? used : 0;
                rtsp += name.startsWith("camstream-rtsp-") ? used : 0;
                decode += name.startsWith("camstream-decod") ? used : 0;
                encode += name.startsWith("camstream-encod") ? used : 0;
            } else if (JVM.matcher(name).find()) {
                jvm += used;
            } else {
                delivery += used;
            }
        }
        return new Usage(camera, jvm, delivery, capture, rtsp, decode, encode);
    }

    /** CPU seconds of each live thread, keyed by its id and name ("123 camstream-captu"). */
    private Map<String, Double> cpuByThread() throws IOException {
        Map<String, Double> cpu = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    cpu.put(task.getFileName() + " " + name, Server.cpuSeconds(stat));
                } catch (IOException e) {
                    // The thread ended meanwhile.
                }
            }
        }
        return cpu;
    }
}
