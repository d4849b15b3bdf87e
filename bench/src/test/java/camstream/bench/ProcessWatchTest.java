package camstream.bench;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessWatchTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void a_camstream_thread_s_cpu_counts_for_the_camera_and_a_writer_s_for_delivery() throws Exception {
        ServerThreads threads = ServerThreads.start(SELF);
        CountDownLatch end = new CountDownLatch(1);
        // Alive at the window's end: a thread that ended takes its time with it.
        Thread capture = spin("camstream-capture-cam", 0.3, end);
        Thread writer = spin("camstream-writer-1", 0.3, end);
        ServerThreads.Usage u;
        try {
            u = threads.stop();
        } finally {
            end.countDown();
            capture.join();
            writer.join();
        }
        assertTrue(u.camera() >= 0.25 && u.camera() < 0.5, "camera threads: " + u.camera());
        assertEquals(u.camera(), u.capture(), 0.05);
        assertTrue(u.delivery() >= 0.25, "delivery: " + u.delivery());
    }

    @Test
    void a_child_that_reads_from_standard_input_is_a_decoder_and_its_cpu_is_counted_apart() throws Exception {
        // sh busy from the start of the window; its arguments are those of a decoding ffmpeg.
        Process child = new ProcessBuilder("sh", "-c", "while :; do :; done", "-i", "pipe:0").start();
        try {
            ChildProcesses children = ChildProcesses.start(SELF);
            Path stat = Path.of("/proc", Long.toString(child.pid()), "stat");
            double start = Server.cpuSeconds(stat);
            while (Server.cpuSeconds(stat) - start < 0.3) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            children.sample();
            ChildProcesses.Usage u = children.stop();
            assertTrue(u.cpuSeconds() >= 0.3, "children: " + u.cpuSeconds());
            assertEquals(u.cpuSeconds(), u.decoderCpuSeconds(), 1e-9);
            assertTrue(u.decoderRssKb() > 0 && u.decoderRssKb() == u.rssKb(), u.toString());
            assertEquals(1, u.seen());
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts a thread of that name, which uses {@code seconds} of CPU, then waits for {@code end}; returns once it used them. */
    private static Thread spin(String name, double seconds, CountDownLatch end) throws InterruptedException {
        CountDownLatch spent = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long until = mx.getCurrentThreadCpuTime() + (long) (seconds * 1e9);
            long x = 0;
            while (mx.getCurrentThreadCpuTime() < until) {
                x += List.of(x).hashCode();
            }
            spent.countDown();
            try {
                end.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.start();
        spent.await();
        return t;
    }
}
