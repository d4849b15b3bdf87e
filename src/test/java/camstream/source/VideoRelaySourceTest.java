package camstream.source;

import camstream.config.CameraConfig;
import camstream.config.Settings;
import camstream.stream.Via;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which relay URLs name a camstream's stream, and how an upstream that does not answer with one is told. */
class VideoRelaySourceTest {

    private ServerSocket server;
    private Thread thread;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            thread.join(5000);
        }
    }

    @Test
    void aCamstreamStreamOfOneCameraNamesItsMp4WithTheSameCredentialsAndQuery() {
        assertEquals("http://u:p@10.0.0.5:8080/camstream/stream/door.mp4?token=x",
                VideoRelaySource.videoUrl("http://u:p@10.0.0.5:8080/camstream/stream/door?token=x"));
        assertEquals("https://cams.example/stream/front_2.mp4", VideoRelaySource.videoUrl("https://cams.example/stream/front_2"));
        assertNull(VideoRelaySource.videoUrl("http://10.0.0.5:8080/?action=stream"), "mjpg-streamer");
        assertNull(VideoRelaySource.videoUrl("http://10.0.0.5:8080/stream"), "µStreamer, or camstream's first camera");
        assertNull(VideoRelaySource.videoUrl("http://10.0.0.5/stream/door.mp4"));
        assertNull(VideoRelaySource.videoUrl("http://10.0.0.5/snapshot/door"));
        assertNull(VideoRelaySource.videoUrl("rtsp://10.0.0.5/stream/door"));
    }

    @Test
    void anUpstreamThatAnswersAnErrorIsRefusedWithItsStatusAndTheRequestCarriesTheCamerasHop() throws Exception {
        String[] request = new String[1];
        int port = serve("HTTP/1.1 500 Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", request);
        CameraConfig cfg = config("http://viewer:s3cret@127.0.0.1:" + port + "/stream/cam");
        VideoRelaySource s = new VideoRelaySource(cfg, cfg.source().argument(), Via.Server.start("edge").hop("cam"));
        SourceException e = assertThrows(SourceException.class, s::open);
        assertEquals("http://viewer:***@127.0.0.1:" + port + "/stream/cam.mp4 answered HTTP 500", e.getMessage());
        s.close();
    }

    private static CameraConfig config(String url) {
        return Settings.read(Settings.lookup(Map.of("camstream.cameras", "cam", "camstream.camera.cam.source", url,
                "camstream.camera.cam.readTimeout", "2", "camstream.camera.cam.connectTimeout", "2")::get)).cameras().get(0);
    }

    /** Answers one request with {@code answer}; the request's head goes to {@code request[0]}. */
    private int serve(String answer, String[] request) throws Exception {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                StringBuilder b = new StringBuilder();
                int c;
                while (!b.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                    b.append((char) c);
                }
                request[0] = b.toString();
                out.write(answer.getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
                // the test ended
            }
        }, "test-upstream");
        thread.start();
        return server.getLocalPort();
    }
}
