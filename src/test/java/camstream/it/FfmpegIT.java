package camstream.it;

import camstream.it.support.JettyDistribution;
import camstream.it.support.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What people point at an MJPEG URL besides browsers: ffprobe, ffmpeg, curl; served by the Jetty 12 distribution. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FfmpegIT {

    private static final Pattern SHOWINFO_FRAME = Pattern.compile("(?m)\\bn:\\s*\\d+ .*\\bs:352x288\\b");

    private JettyDistribution jetty;
    private Path work;

    @BeforeAll
    void start() throws Exception {
        jetty = new JettyDistribution("ffmpeg").deploy().start(Map.of(
                "camstream.cameras", "yard",
                "camstream.camera.yard.width", "352",
                "camstream.camera.yard.height", "288",
                "camstream.camera.yard.fps", "15"));
        work = Files.createDirectories(jetty.base().resolve("clients"));
        jetty.awaitReady("/");
    }

    @AfterAll
    void stop() {
        if (jetty != null) {
            jetty.close();
        }
    }

    @Test
    void ffprobeReportsAnMjpegStreamOfTheConfiguredSize() throws Exception {
        Path ffprobe = Tools.require("/usr/bin/ffprobe");
        Tools.Result probe = Tools.run(60, work, List.of(ffprobe.toString(), "-v", "error", "-rw_timeout", "10000000",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height",
                "-of", "default=noprint_wrappers=1", jetty.url("/stream/yard").toString()));
        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals(List.of("codec_name=mjpeg", "width=352", "height=288"), probe.output().strip().lines().toList());
    }

    @Test
    void ffmpegDecodesThirtyFramesOfTheConfiguredSize() throws Exception {
        Path ffmpeg = Tools.require("/usr/bin/ffmpeg");
        Tools.Result run = Tools.run(120, work, List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-nostats",
                "-rw_timeout", "10000000", "-i", jetty.url("/stream/yard").toString(),
                "-frames:v", "30", "-vf", "showinfo", "-f", "null", "-"));
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(30, SHOWINFO_FRAME.matcher(run.output()).results().count(), run.output());
    }

    @Test
    void curlFetchesASnapshotJpegOfTheConfiguredSize() throws Exception {
        Path curl = Tools.require("/usr/bin/curl");
        Path jpg = work.resolve("yard.jpg");
        Tools.Result run = Tools.run(60, work, List.of(curl.toString(), "-sS", "--max-time", "30", "-o", jpg.toString(),
                "-w", "%{http_code} %{content_type}", jetty.url("/snapshot/yard").toString()));
        assertEquals(0, run.exitCode(), run.output());
        assertEquals("200 image/jpeg", run.output().strip());
        BufferedImage image = ContainerContract.jpeg(Files.readAllBytes(jpg));
        assertEquals(352, image.getWidth());
        assertEquals(288, image.getHeight());
        assertTrue(Files.size(jpg) > 1000);
    }
}
