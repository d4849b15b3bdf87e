package camstream.it;

import camstream.it.support.JettyDistribution;
import camstream.it.support.ServletContainer;

import java.nio.file.Path;
import java.util.List;

/** Misbehaving sources in the Jetty 12 distribution, settings as -D options. */
class SourceFaultsJettyIT extends SourceFaultsContract {

    private JettyDistribution jetty;

    @Override
    ServletContainer start(Path war) throws Exception {
        jetty = new JettyDistribution("faults-jetty12");
        return jetty.deploy(war).start(SETTINGS);
    }

    @Override
    List<Path> logFiles() {
        return List.of(jetty.console());
    }

    @Override
    String poolThreadPrefix() {
        return "qtp";
    }
}
