package camstream;

import camstream.support.EmbeddedCamstream;
import camstream.support.PictureSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code camstream.pageVideo=h264} in embedded Jetty without OpenH264: a page gets no pictures in
 * place of H.264, and is told why for each camera, whether it asked for H.264 or could not.
 */
class SocketH264OnlyIT {

    @RegisterExtension
    static final EmbeddedCamstream server = new EmbeddedCamstream(Map.of("camstream.cameras", "one,two",
            "camstream.pageVideo", "h264", "camstream.openh264Library", "libnope.so.1",
            "camstream.width", "160", "camstream.height", "120", "camstream.fps", "10"));

    @Test
    void aPageGetsNoPicturesInsteadOfH264AndIsToldWhyForEachCamera() throws Exception {
        try (PictureSocket s = PictureSocket.open(PictureSocket.ws(server.uri("socket")))) {
            s.send("video one");
            s.watch("one", "two");
            TreeSet<String> told = new TreeSet<>();
            for (int i = 0; i < 2; i++) {
                String text = s.nextText(Duration.ofSeconds(10));
                assertNotNull(text, "told why, camera by camera: " + told);
                told.add(text);
            }
            String one = told.first();
            assertTrue(one.startsWith("{\"camera\":\"one\",\"refused\":\"camera 'one' sends no H.264: OpenH264 (libnope.so.1)"
                    + " did not load"), one);
            assertEquals("{\"camera\":\"two\",\"refused\":\"this server sends its page H.264 only (camstream.pageVideo=h264),"
                    + " and this browser does not play it\"}", told.last());
            Thread.sleep(1000); // the span in which nothing may arrive, not a wait for a condition
            assertEquals(0, s.count("one") + s.count("two"), "no pictures");
        }
    }
}
