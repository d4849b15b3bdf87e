package camstream;

import camstream.it.support.Await;
import camstream.support.EmbeddedCamstream;
import camstream.support.MjpegStream;
import camstream.support.Mp4Stream;
import camstream.support.RtspCamera;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RtspIT {

    static final int CAMERA_PORT;
    static {
        try {
            CAMERA_PORT = EmbeddedCamstream.freePort();
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    static RtspCamera camera;
    static EmbeddedCamstream server;

    @BeforeAll
    static void start() throws Exception {
        camera = RtspCamera.start(CAMERA_PORT, "cam:s3cret");
        server = EmbeddedCamstream.start(Map.of("camstream.cameras", "ip,ip265",
                "camstream.camera.ip.source", camera.url("/h264", "cam:s3cret"),
                "camstream.camera.ip265.source", camera.url("/h265", "cam:s3cret")));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        camera.close();
    }

    @Test
    void smoke() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String cam : new String[]{"ip", "ip265"}) {
            try (InputStream in = http.send(HttpRequest.newBuilder(server.uri("stream/" + cam + ".mp4")).build(),
                    HttpResponse.BodyHandlers.ofInputStream()).body(); Mp4Stream s = new Mp4Stream(in)) {
                assertEquals("ftyp", s.next().type());
                assertEquals("moov", s.next().type());
                long t0 = System.nanoTime();
                for (int i = 0; i < 60; i++) {
                    Mp4Stream.Fragment f = s.nextFragment();
                    if (i < 3 || i % 20 == 0) System.err.println(cam + " " + f + " at " + (System.nanoTime() - t0) / 1_000_000);
                }
            }
            try (MjpegStream m = MjpegStream.open(server.uri("stream/" + cam))) {
                for (int i = 0; i < 30; i++) {
                    MjpegStream.Part p = m.next();
                    if (i < 3 || i % 10 == 0) System.err.println(cam + " jpeg " + p.body().length + " " + p.headers());
                }
            }
            System.err.println(http.send(HttpRequest.newBuilder(server.uri("status")).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
    }
}
