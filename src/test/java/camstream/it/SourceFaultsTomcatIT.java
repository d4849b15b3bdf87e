package camstream.it;

import camstream.it.support.ServletContainer;
import camstream.it.support.Tomcat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Misbehaving sources in Tomcat 11, settings in the context descriptor. */
class SourceFaultsTomcatIT extends SourceFaultsContract {

    private Tomcat tomcat;

    @Override
    ServletContainer start(Path war) throws Exception {
        tomcat = new Tomcat(Tomcat.TOMCAT_11, "faults-tomcat11");
        return tomcat.contextParameters(SETTINGS).deploy(war).start(java.util.Map.of());
    }

    @Override
    List<Path> logFiles() throws IOException {
        List<Path> files = new ArrayList<>(List.of(tomcat.console()));
        try (Stream<Path> logs = Files.list(tomcat.base().resolve("logs"))) {
            logs.filter(p -> !p.getFileName().toString().startsWith("localhost_access_log")).forEach(files::add);
        }
        return files;
    }

    @Override
    String poolThreadPrefix() {
        return "http-nio-";
    }
}
