package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.ProcessProbe;
import camstream.it.support.Tomcat;
import camstream.support.Metrics;
import camstream.support.MjpegStream;
import camstream.support.Mp4Stream;
import camstream.support.RtspCamera;
import camstream.video.AnnexB;
import camstream.video.H264Sps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An IP camera watched while the WAR is redeployed in one Tomcat 11, through its autoDeploy
 * {@code webapps/} directory: each deployment's RTSP camera has a viewer of its own H.264, passed
 * through ({@code /stream/ip.mp4}), and a multipart viewer, for whom a second ffmpeg decodes. When the
 * WAR is removed under them, nothing of that deployment may remain: no camstream thread, no ffmpeg
 * process, no leak warning from Tomcat, and in the end no class loader.
 */
class RtspRedeployLeakIT {

    private static final int REDEPLOYS = 5;
    /** What the test camera sends; placeholders are made smaller, so a picture of this size is the camera's. */
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    /** Pictures, and fragments of video, each viewer must receive from the camera in each deployment. */
    private static final int FRAMES = 10;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String WEBAPP_LOADER = "org.apache.catalina.loader.ParallelWebappClassLoader";
    private static final List<String> RTSP_THREADS = List.of("camstream-decode-ip-in", "camstream-decode-ip-log",
            "camstream-decode-ip-out", "camstream-rtsp-ip", "camstream-rtsp-ip-log");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void fiveRedeploysWhileAnRtspCameraIsWatchedLeaveNoThreadNoFfmpegProcessAndNoLeakWarning() throws Exception {
        try (RtspCamera camera = RtspCamera.start();
             Tomcat tomcat = new Tomcat(Tomcat.TOMCAT_11, "rtsp-redeploy-leak")) {
            String url = camera.url("/h264", null);
            tomcat.start(Map.of("camstream.cameras", "ip", "camstream.camera.ip.source", url,
                    "camstream.width", "320", "camstream.height", "240"));
            tomcat.awaitStatus(tomcat.root("/"), 404); // up, with no webapp yet: its JVM is running
            ProcessProbe jvm = new ProcessProbe(tomcat.jvm(), tomcat.base());

            for (int deployment = 1; deployment <= REDEPLOYS + 1; deployment++) {
                String when = "deployment " + deployment;
                tomcat.deploy();
                tomcat.awaitReady("/");
                // The last undeploy's warnings are written once its class loader stopped, before this deploy.
                assertEquals(List.of(), tomcat.leakWarnings(), "Tomcat's leak warnings before " + when);
                int stopped = tomcat.logCount("camstream stopped");
                try (MjpegStream pictures = MjpegStream.open(tomcat.url("/stream/ip"));
                     Mp4Stream video = openVideo(tomcat)) {
                    awaitCameraPictures(pictures, when);
                    awaitCameraVideo(video, when);
                    Metrics metrics = new Metrics(tomcat.url("/metrics"));
                    assertAll("the camera's frames in " + when,
                            () -> assertTrue(metrics.get("camstream_h264_frames_passed_through_total", "ip") >= FRAMES, "passed through"),
                            () -> assertTrue(metrics.get("camstream_frames_decoded_total", "ip") >= FRAMES, "decoded"));
                    assertTrue(tomcat.camstreamThreads().containsAll(RTSP_THREADS),
                            "RTSP threads running in " + when + ": " + tomcat.camstreamThreads());
                    List<String> children = jvm.children();
                    assertAll("ffmpeg processes of Tomcat's JVM in " + when + ": " + children,
                            () -> assertTrue(children.stream().anyMatch(c -> c.contains("ffmpeg") && c.contains(url)), "the camera's reader"),
                            () -> assertTrue(children.stream().anyMatch(c -> c.contains("ffmpeg") && c.contains("pipe:0")), "the decoder"));

                    tomcat.undeploy();
                    assertEnds(pictures::next, "the multipart stream of " + when);
                    assertEnds(video::next, "the H.264 stream of " + when);
                }
                Await.until(PATIENCE, when + " to stop", () -> tomcat.logCount("camstream stopped") > stopped);
                // camstream logs that it stopped once it has joined its threads and waited for its processes.
                String after = "after the undeploy of " + when;
                assertAll(after,
                        () -> assertEquals(List.of(), tomcat.camstreamThreads(), "camstream threads in Tomcat's JVM"),
                        () -> assertEquals(List.of(), jvm.children(), "child processes of Tomcat's JVM"),
                        () -> assertEquals(List.of(), jvm.othersMentioning(url), "processes reading the camera"));
            }

            // Each GC.class_histogram collects first.
            long[] loaders = new long[1];
            Await.within(Duration.ofSeconds(60), () -> (loaders[0] = jvm.liveInstances(WEBAPP_LOADER)) == 0);
            assertEquals(0, loaders[0], "webapp class loaders alive after the last undeploy and full GCs");
            assertEquals(List.of(), tomcat.leakWarnings(), "Tomcat's leak warnings");
            assertEquals(REDEPLOYS + 1, tomcat.logCount("camstream stopped"), "every deployment stopped:\n" + tomcat.tail());
            // What camstream logs when a thread or an ffmpeg process outlives its close.
            for (String late : List.of("did not end", "did not stop", "camstream stopped, except")) {
                assertEquals(0, tomcat.logCount(late), "log lines with \"" + late + "\":\n" + tomcat.tail());
            }
        }
    }

    private Mp4Stream openVideo(Tomcat tomcat) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(tomcat.url("/stream/ip.mp4")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            fail("/stream/ip.mp4 answered " + r.statusCode());
        }
        return new Mp4Stream(r.body());
    }

    /** Reads placeholders until the camera's pictures come, then {@link #FRAMES} of them in a row. */
    private static void awaitCameraPictures(MjpegStream pictures, String when) {
        assertTimeoutPreemptively(PATIENCE, () -> {
            int inARow = 0;
            while (inARow < FRAMES) {
                BufferedImage image = ContainerContract.jpeg(pictures.next().body());
                inARow = image.getWidth() == WIDTH && image.getHeight() == HEIGHT ? inARow + 1 : 0;
            }
        }, () -> FRAMES + " pictures of the camera in a row in " + when);
    }

    /**
     * Reads the placeholders' video (the viewer may come before the camera) until the camera's first
     * keyframe, told by the size in its parameter sets, then {@link #FRAMES} fragments, one after the other.
     */
    private static void awaitCameraVideo(Mp4Stream video, String when) {
        assertTimeoutPreemptively(PATIENCE, () -> {
            assertEquals("ftyp", video.next().type(), when);
            assertEquals("moov", video.next().type(), when);
            Mp4Stream.Fragment previous;
            byte[] sample;
            do {
                Mp4Stream.Box moof = video.next();
                Mp4Stream.Box mdat = video.next();
                previous = Mp4Stream.parse(moof, mdat);
                sample = mdat.body();
            } while (!(WIDTH + "x" + HEIGHT).equals(keyframeSize(previous, sample)));
            for (int i = 1; i < FRAMES; i++) {
                Mp4Stream.Box moof = video.next();
                Mp4Stream.Box mdat = video.next();
                Mp4Stream.Fragment f = Mp4Stream.parse(moof, mdat);
                assertTrue(f.decodeTime() > previous.decodeTime(), "decode times increase in " + when + ": " + previous + ", " + f);
                if (f.keyframe()) {
                    assertEquals(WIDTH + "x" + HEIGHT, keyframeSize(f, mdat.body()), "the camera's keyframes in " + when);
                }
                previous = f;
            }
        }, () -> FRAMES + " fragments of the camera's video in " + when);
    }

    /** "WIDTHxHEIGHT" of a keyframe's sequence parameter set (it carries one: avc3), or null for another frame. */
    private static String keyframeSize(Mp4Stream.Fragment fragment, byte[] sample) {
        if (!fragment.keyframe()) {
            return null;
        }
        byte[] sps = Mp4Stream.nals(sample).stream().filter(n -> (n[0] & 0x1f) == AnnexB.SPS).findFirst()
                .orElseThrow(() -> new AssertionError("a keyframe without its SPS: " + fragment));
        long size = H264Sps.size(sps);
        return (size >>> 32) + "x" + (int) size;
    }

    /** Reads on until the stream ends, as a viewer does whose server went away; each read returns within a second or two. */
    private static void assertEnds(Executable read, String what) {
        assertTimeoutPreemptively(PATIENCE, () -> {
            try {
                while (true) {
                    read.execute();
                }
            } catch (IOException ended) {
                // What the viewer sees.
            }
        }, () -> what + " ends with its deployment");
    }
}
