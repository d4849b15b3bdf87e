package camstream.faults;

import camstream.it.support.ServletContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * {@link FaultySource} as a deployer would add a source kind: a jar with a service file, in
 * {@code WEB-INF/lib} of a copy of the packaged WAR. The product's own WAR never contains it.
 */
public final class FaultsJar {

    private FaultsJar() {
    }

    /** The jar, built once under target/. */
    public static synchronized Path jar() {
        try {
            Path classes = Path.of(FaultySource.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path jar = classes.resolveSibling("camstream-faults.jar");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                 Stream<Path> files = Files.list(classes.resolve("camstream/faults"))) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("FaultySource")).toList()) {
                    out.putNextEntry(new JarEntry("camstream/faults/" + f.getFileName()));
                    Files.copy(f, out);
                    out.closeEntry();
                }
                out.putNextEntry(new JarEntry("META-INF/services/camstream.source.SourceProvider"));
                out.write((FaultySource.Provider.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of the packaged WAR with the faults jar in {@code WEB-INF/lib}. */
    public static synchronized Path war() {
        try {
            Path war = jar().resolveSibling("camstream-with-faults.war");
            Files.copy(ServletContainer.war(), war, StandardCopyOption.REPLACE_EXISTING);
            try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + war.toUri()), Map.of())) {
                Files.copy(jar(), zip.getPath("WEB-INF/lib/camstream-faults.jar"));
            }
            return war;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
