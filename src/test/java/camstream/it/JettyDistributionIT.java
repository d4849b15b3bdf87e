package camstream.it;

import camstream.it.support.JettyDistribution;
import camstream.it.support.ServletContainer;

/** Jetty 12 distribution (ee10 deploy, JSP, JSTL), settings as -D options of java -jar start.jar. */
class JettyDistributionIT extends ContainerContract {

    @Override
    ServletContainer start() throws Exception {
        return new JettyDistribution("jetty12").deploy().start(settings());
    }
}
