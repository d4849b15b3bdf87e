package camstream;

import camstream.support.EmbeddedCamstream;
import camstream.support.Jpeg;
import camstream.support.MjpegStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stopping the webapp ends every stream and leaves no camstream thread; starting it again works. */
class ShutdownIT {

    @Test
    void stoppingTheWebappEndsOpenStreamsAndLeavesNoThreadAndItStartsAgain() throws Exception {
        try (EmbeddedCamstream server = EmbeddedCamstream.start(Map.of(
                "camstream.cameras", "a,b",
                "camstream.camera.a.source", "test-pattern",
                "camstream.camera.b.source", "test-pattern",
                "camstream.idleTimeout", "0"))) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<MjpegStream> streams = new ArrayList<>();
                for (String path : List.of("stream/a", "stream/b", "video_feed")) {
                    MjpegStream s = MjpegStream.open(server.uri(path));
                    s.next();
                    streams.add(s);
                }
                assertTrue(camstreamThreads().size() >= 3, "capture and writer threads run: " + camstreamThreads());

                List<Future<Exception>> ends = new ArrayList<>();
                for (MjpegStream s : streams) {
                    ends.add(pool.submit(() -> {
                        try {
                            while (true) {
                                s.next();
                            }
                        } catch (IOException e) {
                            return e;
                        }
                    }));
                }
                server.stopWebapp();
                assertEquals(List.of(), camstreamThreads(), "every camstream thread is joined when the webapp stops");
                for (Future<Exception> end : ends) {
                    // The client sees the stream end (EOF), not a hang.
                    assertTrue(end.get(10, TimeUnit.SECONDS) instanceof java.io.EOFException);
                }
                for (MjpegStream s : streams) {
                    s.close();
                }

                server.startWebapp();
                try (MjpegStream s = MjpegStream.open(server.uri("stream/a"))) {
                    assertEquals("640x480", Jpeg.size(s.next().body()));
                }
                server.stopWebapp();
                assertEquals(List.of(), camstreamThreads());
                assertThrows(IOException.class, () -> MjpegStream.open(server.uri("stream/a")));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static List<String> camstreamThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("camstream")).sorted().toList();
    }
}
