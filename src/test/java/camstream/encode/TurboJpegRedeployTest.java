package camstream.encode;

import camstream.Camstream;
import camstream.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A redeployed webapp gets a new class loader. Each one here stands for a deployment with its own
 * copy of camstream, JNA and OpenCV, as WEB-INF/lib gives it in a container.
 */
class TurboJpegRedeployTest {

    /**
     * Runs inside a deployment's class loader: starts the app as the webapp listener does (its
     * capture thread makes an encoder at once) and encodes a frame with the encoder it picked, and
     * with OpenH264.
     */
    public static final class Deployment implements Callable<String> {
        static Camstream app;

        @Override
        public String call() throws Exception {
            Map<String, String> settings = Map.of(Settings.CAMERAS, "t", "camstream.camera.t.source", "test-pattern",
                    Settings.ENCODER, JpegEncoders.TURBOJPEG);
            if (app == null) {
                app = Camstream.start(Settings.read(settings::get));
            }
            Mat frame = TestImages.testPattern(640, 480);
            try (JpegEncoder enc = JpegEncoders.choose(JpegEncoders.TURBOJPEG).get();
                 H264Encoder h264 = new H264Encoder(640, 480, 30, 1_000_000, 30)) {
                byte[] jpeg = enc.encode(frame, 80);
                // OpenH264 goes through the same JNA and is released with it.
                byte[] au = h264.encode(frame, 0).annexB();
                return enc.name() + " " + jpeg.length + ", H.264 " + au.length;
            } finally {
                frame.release();
            }
        }
    }

    /** Stops the app as the webapp listener does when the webapp stops. */
    public static final class Undeployment implements Callable<String> {
        @Override
        public String call() throws Exception {
            Deployment.app.stop();
            return OpenH264.loaded() || TurboJpeg.loaded() ? "stopped, but a native library is still loaded" : "stopped";
        }
    }

    @Test
    void each_deployment_loads_its_own_jna_and_stopping_the_app_leaves_no_thread_behind(@TempDir Path jnaTemp)
            throws Exception {
        TurboJpegEncoderTest.requireTurboJpeg();
        String oldTmp = System.getProperty("jna.tmpdir");
        System.setProperty("jna.tmpdir", jnaTemp.toString());
        long ffiFiles = openFfiFiles();
        try (URLClassLoader first = deploymentLoader(); URLClassLoader second = deploymentLoader()) {
            assertTrue(run(first, Deployment.class).startsWith("TurboJPEG "));
            assertTrue(run(second, Deployment.class).startsWith("TurboJPEG "),
                    "JNA's native dispatch library must load again in a second class loader");
            assertTrue(threadsOf(first).containsAll(List.of("JNA Cleaner", "camstream-capture-t")), threadsOf(first)::toString);
            try (Stream<Path> left = Files.list(jnaTemp)) {
                assertEquals(List.of(), left.collect(Collectors.toList()), "extracted native copies are deleted");
            }

            assertEquals("stopped", run(first, Undeployment.class));
            assertEquals(List.of(), threadsOf(first));
            assertTrue(run(second, Deployment.class).startsWith("TurboJPEG "),
                    "the other deployment keeps encoding");

            assertEquals("stopped", run(second, Undeployment.class));
            assertEquals(List.of(), threadsOf(second));
            // libffi keeps the file it maps closures from open for good, in each deployment's copy of JNA.
            assertEquals(ffiFiles, openFfiFiles(), "deleted ffi* files still open after two deployments");
        } finally {
            if (oldTmp == null) {
                System.clearProperty("jna.tmpdir");
            } else {
                System.setProperty("jna.tmpdir", oldTmp);
            }
        }
    }

    /** Open descriptors of libffi's closure files ({@code /tmp/ffiXXXXXX (deleted)}) in this JVM. */
    private static long openFfiFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).getFileName().toString().startsWith("ffi");
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    /** camstream's classes, its two native-bound libraries and its metrics library, but nothing shared with this test's loader. */
    private static URLClassLoader deploymentLoader() throws Exception {
        List<URL> urls = new java.util.ArrayList<>(List.of(
                location(JpegEncoders.class), location(TurboJpegRedeployTest.class),
                location(com.sun.jna.Native.class), location(Mat.class)));
        for (String jar : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (jar.contains("prometheus-metrics-")) {
                urls.add(Path.of(jar).toUri().toURL());
            }
        }
        return new URLClassLoader("deployment", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static URL location(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }

    /** Runs {@code task} in the deployment with the deployment as context class loader, as a container does. */
    private static String run(URLClassLoader loader, Class<? extends Callable<String>> task) throws Exception {
        Thread me = Thread.currentThread();
        ClassLoader old = me.getContextClassLoader();
        me.setContextClassLoader(loader);
        try {
            Class<?> c = Class.forName(task.getName(), true, loader);
            @SuppressWarnings("unchecked")
            Callable<String> call = (Callable<String>) c.getDeclaredConstructor().newInstance();
            return call.call();
        } finally {
            me.setContextClassLoader(old);
        }
    }

    /** Live threads a container would blame on this deployment (its context loader) or that run its code. */
    private static List<String> threadsOf(ClassLoader loader) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getContextClassLoader() == loader || t.getClass().getClassLoader() == loader)
                .map(Thread::getName)
                .sorted()
                .collect(Collectors.toList());
    }
}
