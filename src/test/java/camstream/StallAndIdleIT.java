package camstream;

import camstream.support.EmbeddedCamstream;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slow viewers and no viewers: neither holds anything up or keeps anything alive. */
class StallAndIdleIT {

    private static final String CAM = "pattern";
    @RegisterExtension
    static final EmbeddedCamstream server = new EmbeddedCamstream(Map.of(
            "camstream.cameras", CAM,
            "camstream.camera." + CAM + ".source", "test-pattern",
            "camstream.camera." + CAM + ".width", "1280",
            "camstream.camera." + CAM + ".height", "720",
            "camstream.idleTimeout", "2",
            "camstream.stallTimeout", "2"));

    @Test
    void aStalledViewerNeitherSlowsTheOthersNorQueuesFramesAndIsDisconnected() throws Exception {
        server.metrics().await("camstream_viewers", CAM, v -> v == 0, Duration.ofSeconds(30));
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", server.uri("").getPort()));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET " + server.uri("stream/" + CAM).getPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            server.metrics().await("camstream_viewers", CAM, v -> v == 1, Duration.ofSeconds(10));
            long skippedBefore = server.metrics().get("camstream_frames_skipped_total", CAM);

            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                long encodedBefore = server.metrics().get("camstream_frames_encoded_total", CAM);
                List<Future<List<MjpegStream.Part>>> viewers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    viewers.add(pool.submit(StreamingIT.readFor(server.uri("stream/" + CAM), Duration.ofSeconds(4))));
                }
                List<Integer> counts = new ArrayList<>();
                for (Future<List<MjpegStream.Part>> v : viewers) {
                    counts.add(v.get().size());
                }
                long encoded = server.metrics().get("camstream_frames_encoded_total", CAM) - encodedBefore;
                for (int n : counts) {
                    // The source rate is what was encoded meanwhile (the machine may be busy); each reader keeps 90% of it.
                    assertTrue(n >= 0.9 * (encoded - 2), "a normal viewer got " + n + " of " + encoded + " frames");
                }
            } finally {
                pool.shutdownNow();
            }
            // The stalled viewer holds one pending frame at most: the frames it could not take were skipped, not queued.
            long skipped = server.metrics().get("camstream_frames_skipped_total", CAM) - skippedBefore;
            assertTrue(skipped > 30, "only " + skipped + " frames skipped by the stalled viewer");
            // Once its socket buffers are full it accepts nothing and is disconnected after the stall timeout.
            server.metrics().await("camstream_viewers", CAM, v -> v == 0, Duration.ofSeconds(30));
        }
    }

    @Test
    void theSourceIsReleasedAfterTheIdleTimeoutAndReopenedByTheNextViewer() throws Exception {
        try (MjpegStream s = MjpegStream.open(server.uri("stream/" + CAM))) {
            s.next();
            assertEquals(1, server.metrics().get("camstream_source_open", CAM));
        }
        long opens = server.metrics().get("camstream_source_opens_total", CAM);
        server.metrics().await("camstream_viewers", CAM, v -> v == 0, Duration.ofSeconds(10));
        long left = System.nanoTime();
        server.metrics().await("camstream_source_open", CAM, v -> v == 0, Duration.ofSeconds(10));
        double idle = (System.nanoTime() - left) / 1e9;
        assertTrue(idle > 1.0, "released " + idle + " s after the last viewer left, before the 2 s idle timeout");

        // Nobody watching and the source released: nothing is encoded.
        long encoded = server.metrics().get("camstream_frames_encoded_total", CAM);
        try (MjpegStream s = MjpegStream.open(server.uri("stream/" + CAM))) {
            s.next();
            assertEquals(1, server.metrics().get("camstream_source_open", CAM));
            assertEquals(opens + 1, server.metrics().get("camstream_source_opens_total", CAM));
        }
        long encodedAfterOneFrame = server.metrics().get("camstream_frames_encoded_total", CAM);
        assertTrue(encodedAfterOneFrame - encoded < 30, "encoded " + (encodedAfterOneFrame - encoded)
                + " frames while idle and for one frame");
    }
}
