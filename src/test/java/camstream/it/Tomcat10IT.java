package camstream.it;

import camstream.it.support.ServletContainer;
import camstream.it.support.Tomcat;

import java.util.Map;

/** Tomcat 10.1, settings as context parameters in conf/Catalina/localhost/camstream.xml. */
class Tomcat10IT extends ContainerContract {

    @Override
    ServletContainer start() throws Exception {
        return new Tomcat(Tomcat.TOMCAT_10, "tomcat10").contextParameters(settings()).deploy().start(Map.of());
    }
}
