package camstream.it;

import camstream.it.support.JettyDistribution;
import camstream.it.support.ServletContainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The Jetty 12 distribution, as README's "Access control" says: for each context a webapps/NAME.xml that adds
 * the security descriptor as an override descriptor and a HashLoginService reading a realm.properties.
 */
class SecurityJettyIT extends SecurityContract {

    @Override
    boolean ownChallengeBody() {
        return false;
    }

    @Override
    ServletContainer start(Map<String, Path> descriptors, Map<String, Map<String, String>> params) throws Exception {
        JettyDistribution jetty = new JettyDistribution("security-jetty");
        // README's hardening: no server version in headers and in Jetty's own error pages
        Files.writeString(jetty.base().resolve("start.d/server.ini"), "\njetty.httpConfig.sendServerVersion=false\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Path realm = jetty.base().resolve("etc/camstream-realm.properties");
        Files.createDirectories(realm.getParent());
        Files.writeString(realm, USER + ": " + PASSWORD + ",camstream\n" + ADMIN + ": " + PASSWORD + ",camstream,camstream-admin\n",
                StandardCharsets.UTF_8);
        for (Map.Entry<String, Path> d : descriptors.entrySet()) {
            String name = d.getKey();
            StringBuilder xml = new StringBuilder("""
                    <?xml version="1.0" encoding="UTF-8"?>
                    <!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">
                    <Configure class="org.eclipse.jetty.ee10.webapp.WebAppContext">
                      <Set name="contextPath">/%s</Set>
                      <Set name="war"><Property name="jetty.webapps" default="."/>/%s.war</Set>
                      <Call name="addOverrideDescriptor"><Arg>%s</Arg></Call>
                      <Call id="realmFiles" class="org.eclipse.jetty.util.resource.ResourceFactory" name="root">
                        <Call id="realm" name="newResource"><Arg>%s</Arg></Call>
                      </Call>
                      <Get name="securityHandler">
                        <Set name="loginService">
                          <New class="org.eclipse.jetty.security.HashLoginService">
                            <Set name="name">camstream</Set>
                            <Set name="config"><Ref refid="realm"/></Set>
                          </New>
                        </Set>
                      </Get>
                    """.formatted(name, name, d.getValue(), realm));
            params.getOrDefault(name, Map.of()).forEach((k, v) ->
                    xml.append("  <Call name=\"setInitParameter\"><Arg>").append(k).append("</Arg><Arg>").append(v)
                            .append("</Arg></Call>\n"));
            xml.append("</Configure>\n");
            Files.writeString(jetty.base().resolve("webapps/" + name + ".xml"), xml, StandardCharsets.UTF_8);
            Files.copy(ServletContainer.war(), jetty.base().resolve("webapps/" + name + ".war"), StandardCopyOption.REPLACE_EXISTING);
        }
        return jetty.start(SETTINGS);
    }
}
