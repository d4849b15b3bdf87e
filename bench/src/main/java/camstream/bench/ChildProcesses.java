package camstream.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server JVM's child processes (the ffmpeg processes of an RTSP camera), watched from {@code /proc}
 * over the measured window: their CPU time, apart from the JVM's, and their largest resident set.
 * Decoders are the children that read their video from standard input ({@code -i pipe:0}); the others
 * read the camera. A child that ends inside the window takes its CPU time with it: {@link #seen} tells
 * whether any came or went.
 */
final class ChildProcesses {

    /** CPU seconds in the window, largest summed RSS and RssAnon (KB), of all children and of the decoders. */
    record Usage(double cpuSeconds, double decoderCpuSeconds, long rssKb, long rssAnonKb, long decoderRssKb,
                 long decoderRssAnonKb, int seen) {
    }

    private final long parent;
    private final Map<Long, Double> cpuAtStart = new HashMap<>();
    private final Set<Long> seen = new HashSet<>();
    private long rssKb, rssAnonKb, decoderRssKb, decoderRssAnonKb;

    private ChildProcesses(long parent) {
        this.parent = parent;
    }

    /** Starts the window: each child's CPU time so far. */
    static ChildProcesses start(long parent) {
        ChildProcesses c = new ChildProcesses(parent);
        for (long pid : c.children()) {
            c.cpuAtStart.put(pid, cpu(pid));
        }
        return c;
    }

    /** Notes the children's resident sets now; called about once a second in the window. */
    void sample() {
        long rss = 0, anon = 0, decRss = 0, decAnon = 0;
        for (long pid : children()) {
            long r = status(pid, "VmRSS:");
            long a = status(pid, "RssAnon:");
            rss += r;
            anon += a;
            if (decoder(pid)) {
                decRss += r;
                decAnon += a;
            }
        }
        rssKb = Math.max(rssKb, rss);
        rssAnonKb = Math.max(rssAnonKb, anon);
        decoderRssKb = Math.max(decoderRssKb, decRss);
        decoderRssAnonKb = Math.max(decoderRssAnonKb, decAnon);
    }

    /** Ends the window: CPU time each child used since it began (or since the child started, if later). */
    Usage stop() {
        double all = 0, decoders = 0;
        for (long pid : children()) {
            double used = Math.max(0, cpu(pid) - cpuAtStart.getOrDefault(pid, 0.0));
            all += used;
            if (decoder(pid)) {
                decoders += used;
            }
        }
        return new Usage(all, decoders, rssKb, rssAnonKb, decoderRssKb, decoderRssAnonKb, seen.size());
    }

    private List<Long> children() {
        List<Long> pids = ProcessHandle.of(parent).stream().flatMap(ProcessHandle::children)
                .map(ProcessHandle::pid).toList();
        seen.addAll(pids);
        return pids;
    }

    private static boolean decoder(long pid) {
        try {
            String cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return cmd.contains("-i\0pipe:0\0");
        } catch (IOException e) {
            return false; // ended meanwhile
        }
    }

    private static double cpu(long pid) {
        try {
            return Server.cpuSeconds(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return 0; // ended meanwhile
        }
    }

    private static long status(long pid, String key) {
        try {
            return Server.status(Path.of("/proc", Long.toString(pid), "status"), key);
        } catch (IOException e) {
            return 0; // ended meanwhile
        }
    }
}
