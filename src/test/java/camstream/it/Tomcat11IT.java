package camstream.it;

import camstream.it.support.ServletContainer;
import camstream.it.support.Tomcat;

/** Tomcat 11, settings as system properties in CATALINA_OPTS. */
class Tomcat11IT extends ContainerContract {

    @Override
    ServletContainer start() throws Exception {
        return new Tomcat(Tomcat.TOMCAT_11, "tomcat11").deploy().start(settings());
    }
}
