package camstream.web;

import camstream.web.ServerAddress.Connector;
import jakarta.servlet.ServletContext;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.DynamicMBean;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServerAddressTest {

    @Test
    void aUrlNamesSchemeHostPortAndContextPath() {
        assertEquals("http://127.0.0.1:8080/camstream/", ServerAddress.url("http", "127.0.0.1", 8080, "/camstream"));
        assertEquals("http://127.0.0.1:8080/", ServerAddress.url("http", "127.0.0.1", 8080, ""));
        assertEquals("https://cams.example/", ServerAddress.url("https", "cams.example", 443, ""));
        assertEquals("http://[::1]:8080/camstream/", ServerAddress.url("http", "::1", 8080, "/camstream"));
    }

    @Test
    void camerasNameTheirCamstreamInPicturePathsByAnAddressOtherMachinesCanUse() {
        assertEquals("192.168.1.20:8080/camstream", ServerAddress.label(
                List.of("http://127.0.0.1:8080/camstream/", "http://192.168.1.20:8080/camstream/"), "/camstream"));
        assertEquals("127.0.0.1:8080", ServerAddress.label(List.of("http://127.0.0.1:8080/"), ""));
        assertEquals("/camstream", ServerAddress.label(List.of(), "/camstream"), "a container that does not say");
    }

    @Test
    void aConnectorOnEveryInterfaceIsNamedByLoopbackAndTheMachinesAddresses() {
        List<String> urls = ServerAddress.urls(List.of(new Connector("http", "0.0.0.0", 8080),
                new Connector("https", null, 8443), new Connector("http", "192.168.1.20", 9090)),
                "/camstream", () -> List.of("192.168.1.20"));
        assertEquals(List.of("http://127.0.0.1:8080/camstream/", "http://192.168.1.20:8080/camstream/",
                "https://127.0.0.1:8443/camstream/", "https://192.168.1.20:8443/camstream/",
                "http://192.168.1.20:9090/camstream/"), urls);
    }

    @Test
    void tomcatsConnectorsAreReadFromJmxForTheEngineOfTheContext() throws Exception {
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName http = new ObjectName("TestEngine:type=Connector,port=18080,address=\"127.0.0.1\"");
        ObjectName ajp = new ObjectName("TestEngine:type=Connector,port=18009");
        ObjectName otherEngine = new ObjectName("OtherEngine:type=Connector,port=18081");
        mbeans.registerMBean(connector(Map.of("protocol", "HTTP/1.1", "scheme", "http", "localPort", 18080,
                "port", 18080, "address", InetAddress.getLoopbackAddress())), http);
        mbeans.registerMBean(connector(Map.of("protocol", "AJP/1.3", "scheme", "http", "localPort", 18009,
                "port", 18009)), ajp);
        mbeans.registerMBean(connector(Map.of("protocol", "HTTP/1.1", "scheme", "http", "localPort", 18081,
                "port", 18081)), otherEngine);
        try {
            ServletContext ctx = context(Map.of("getVirtualServerName", "TestEngine/localhost", "getContextPath", "/camstream"));
            assertEquals(List.of("http://127.0.0.1:18080/camstream/"), ServerAddress.urls(ctx));
        } finally {
            for (ObjectName n : List.of(http, ajp, otherEngine)) {
                mbeans.unregisterMBean(n);
            }
        }
    }

    @Test
    void jettysConnectorsAreReachedFromTheServletContext() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler handler = new ServletContextHandler("/camstream");
        server.setHandler(handler);
        server.start();
        try {
            assertEquals(List.of("http://127.0.0.1:" + connector.getLocalPort() + "/camstream/"),
                    ServerAddress.urls(handler.getServletContext()));
        } finally {
            server.stop();
        }
    }

    @Test
    void anyOtherContainerGivesNoUrls() {
        ServletContext ctx = context(Map.of("getVirtualServerName", "", "getContextPath", "/camstream"));
        assertEquals(List.of(), ServerAddress.urls(ctx));
    }

    /** A ServletContext that answers the given no-argument methods and nothing else. */
    static ServletContext context(Map<String, Object> answers) {
        return (ServletContext) Proxy.newProxyInstance(ServerAddressTest.class.getClassLoader(),
                new Class<?>[]{ServletContext.class}, (proxy, method, args) -> answers.get(method.getName()));
    }

    /** An MBean with the given attributes, as Tomcat's connector MBeans have them. */
    private static DynamicMBean connector(Map<String, Object> attributes) {
        return new DynamicMBean() {
            @Override
            public Object getAttribute(String name) {
                return attributes.get(name);
            }

            @Override
            public void setAttribute(Attribute attribute) {
                throw new UnsupportedOperationException();
            }

            @Override
            public AttributeList getAttributes(String[] names) {
                AttributeList list = new AttributeList();
                for (String n : names) {
                    list.add(new Attribute(n, attributes.get(n)));
                }
                return list;
            }

            @Override
            public AttributeList setAttributes(AttributeList list) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Object invoke(String action, Object[] params, String[] signature) {
                throw new UnsupportedOperationException();
            }

            @Override
            public MBeanInfo getMBeanInfo() {
                return new MBeanInfo(getClass().getName(), "connector", null, null, null, null);
            }
        };
    }
}
