package camstream.it;

import camstream.it.support.Await;
import camstream.it.support.ServletContainer;
import camstream.it.support.Tomcat;
import camstream.support.MjpegStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The README's layout for several camstream WARs in one container: OpenCV's jar in CATALINA_BASE/lib,
 * its native library in a folder on java.library.path, WARs without OpenCV (what
 * {@code -Dcamstream.opencv=container} builds; made here from the default WAR). Two of them run side by
 * side, one is undeployed and deployed again while the other streams: OpenCV, loaded once into the
 * container's class loader, serves both, and nothing is "already loaded in another classloader".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedOpenCvIT {

    private Tomcat tomcat;
    private Path warWithoutOpenCv;

    @BeforeAll
    void start() throws IOException {
        tomcat = new Tomcat(Tomcat.TOMCAT_11, "shared-opencv");
        Path jar = Path.of(System.getProperty("camstream.opencv.jar"));
        Files.copy(jar, tomcat.lib().resolve(jar.getFileName()));
        Path natives = Files.createDirectories(tomcat.base().resolve("native"));
        extractNativeLibrary(jar, natives);
        warWithoutOpenCv = withoutOpenCv(ServletContainer.war(), tomcat.base().resolve("camstream-without-opencv.war"));
        tomcat.deploy(warWithoutOpenCv, "camstream.war").deploy(warWithoutOpenCv, "camstream2.war")
                .start(Map.of("camstream.cameras", "a", "camstream.fps", "15", "java.library.path", natives.toString()));
        tomcat.awaitReady("/");
        tomcat.awaitStatus(other("/"), 200);
    }

    @AfterAll
    void stop() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    @Order(1)
    void twoWebappsStreamWithTheOneOpenCvOfTheContainer() throws Exception {
        assertStreams(tomcat.url("/stream/a"));
        assertStreams(other("/stream/a"));
        String log = tomcat.log();
        assertEquals(1, SourceFaultsContract.count(log, ContainerContract.readyLine(tomcat)), tomcat.tail());
        assertEquals(1, SourceFaultsContract.count(log, "camstream is ready: " + other("/")), tomcat.tail());
    }

    @Test
    @Order(2)
    void oneIsRedeployedWhileTheOtherStreamsAndBothStreamAfterwards() throws Exception {
        try (MjpegStream watching = MjpegStream.open(tomcat.url("/stream/a"))) {
            watching.next();
            Files.delete(tomcat.webapps().resolve("camstream2.war"));
            Await.until(Duration.ofSeconds(60), "Tomcat to undeploy /camstream2",
                    () -> tomcat.status(other("/")) == 404 && tomcat.log().contains("camstream stopped"));
            tomcat.deploy(warWithoutOpenCv, "camstream2.war");
            tomcat.awaitStatus(other("/"), 200);
            for (int i = 0; i < 5; i++) {
                ContainerContract.jpeg(watching.next().body());
            }
        }
        assertStreams(other("/stream/a"));
        assertEquals(2, SourceFaultsContract.count(tomcat.log(), "camstream is ready: " + other("/")), tomcat.tail());
    }

    @Test
    @Order(3)
    void stoppingTomcatLeavesNoLeakWarningsAndNoNativeLibraryErrors() {
        tomcat.stop();
        String log = tomcat.log();
        assertEquals(3, SourceFaultsContract.count(log, "camstream stopped"), tomcat.tail());
        for (String bad : List.of("already loaded in another classloader", "UnsatisfiedLinkError",
                "appears to have started a thread named", "memory leak", "SEVERE")) {
            assertEquals(List.of(), log.lines().filter(l -> l.contains(bad)).toList(), "Tomcat log lines with \"" + bad + "\"");
        }
    }

    private URI other(String path) {
        return tomcat.root("/camstream2" + path);
    }

    private static void assertStreams(URI stream) throws Exception {
        try (MjpegStream viewer = MjpegStream.open(stream)) {
            ContainerContract.jpeg(viewer.next().body());
            ContainerContract.jpeg(viewer.next().body());
        }
    }

    /** The native library of this machine's platform, as the README has it copied out of the jar. */
    private static void extractNativeLibrary(Path jar, Path dir) throws IOException {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "ARMv8";
            default -> "ARMv7";
        };
        String name = System.mapLibraryName("opencv_java490");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry e = zip.getEntry("nu/pattern/opencv/linux/" + arch + "/" + name);
            try (InputStream in = zip.getInputStream(e)) {
                Files.copy(in, dir.resolve(name));
            }
        }
    }

    /** The WAR without WEB-INF/lib/camstream-opencv-*.jar, as -Dcamstream.opencv=container packages it. */
    private static Path withoutOpenCv(Path war, Path target) throws IOException {
        try (ZipFile in = new ZipFile(war.toFile()); OutputStream file = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                ZipEntry e = entries.nextElement();
                if (e.getName().matches("WEB-INF/lib/camstream-opencv-.*\\.jar")) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream data = in.getInputStream(e)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return target;
    }
}
