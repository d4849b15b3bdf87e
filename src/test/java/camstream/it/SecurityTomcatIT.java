package camstream.it;

import camstream.it.support.ServletContainer;
import camstream.it.support.Tomcat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tomcat 11, as README's "Access control" says: the users in conf/tomcat-users.xml, and for each context a
 * conf/Catalina/localhost/NAME.xml that mounts the security descriptor as WEB-INF/tomcat-web.xml.
 */
class SecurityTomcatIT extends SecurityContract {

    @Override
    boolean ownChallengeBody() {
        return true;
    }

    @Override
    ServletContainer start(Map<String, Path> descriptors, Map<String, Map<String, String>> params) throws Exception {
        Tomcat tomcat = new Tomcat(Tomcat.TOMCAT_11, "security-tomcat");
        Files.writeString(tomcat.base().resolve("conf/tomcat-users.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
                  <role rolename="camstream"/>
                  <role rolename="camstream-admin"/>
                  <user username="%s" password="%s" roles="camstream"/>
                  <user username="%s" password="%s" roles="camstream,camstream-admin"/>
                </tomcat-users>
                """.formatted(USER, PASSWORD, ADMIN, PASSWORD), StandardCharsets.UTF_8);
        for (Map.Entry<String, Path> d : descriptors.entrySet()) {
            StringBuilder xml = new StringBuilder("<Context>\n  <Resources>\n"
                    + "    <PreResources className=\"org.apache.catalina.webresources.FileResourceSet\"\n"
                    + "                  base=\"" + d.getValue() + "\" webAppMount=\"/WEB-INF/tomcat-web.xml\"/>\n"
                    + "  </Resources>\n");
            params.getOrDefault(d.getKey(), Map.of()).forEach((k, v) ->
                    xml.append("  <Parameter name=\"").append(k).append("\" value=\"").append(v).append("\" override=\"false\"/>\n"));
            xml.append("</Context>\n");
            Path file = tomcat.base().resolve("conf/Catalina/localhost/" + d.getKey() + ".xml");
            Files.createDirectories(file.getParent());
            Files.writeString(file, xml, StandardCharsets.UTF_8);
            tomcat.deploy(ServletContainer.war(), d.getKey() + ".war");
        }
        return tomcat.start(SETTINGS);
    }
}
