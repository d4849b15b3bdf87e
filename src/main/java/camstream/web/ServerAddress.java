package camstream.web;

import jakarta.servlet.ServletContext;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where the container listens, as the URLs to open this webapp at. The Servlet API says where a request
 * arrived, not where the server listens, so each container is asked its own way, while the webapp starts:
 * <ul>
 * <li>Tomcat registers every connector as an MBean {@code ENGINE:type=Connector,port=...} in the
 * platform MBeanServer when it initialises (and binds) it, before it deploys webapps; the
 * ServletContext's virtual server name is {@code ENGINE/HOST}.</li>
 * <li>Jetty opens its connectors before it starts its contexts ({@code Server.isOpenEarly()}, the
 * default) and reaches them from the ServletContext: {@code getContextHandler().getServer().getConnectors()}.
 * It hides its classes from webapps, so these public methods are called through reflection.</li>
 * </ul>
 * Any other container, or any surprise, gives no URLs: then {@link ReadyLine} waits for the first request.
 */
final class ServerAddress {

    /** One way in: {@code host} is null or a wildcard address when the connector listens on every interface. */
    record Connector(String scheme, String host, int port) {
    }

    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0");

    private ServerAddress() {
    }

    /** The URLs of this webapp on every HTTP connector of its container, or none if the container does not say. */
    static List<String> urls(ServletContext ctx) {
        return urls(connectors(ctx), ctx.getContextPath(), ServerAddress::interfaceAddresses);
    }

    /** The HTTP connectors of this webapp's container, or none if the container does not say. */
    static List<Connector> connectors(ServletContext ctx) {
        List<Connector> connectors = tomcat(ctx);
        return connectors.isEmpty() ? jetty(ctx) : connectors;
    }

    /**
     * The URLs for {@code connectors}; one that listens on every interface is named by 127.0.0.1 (this
     * machine) and by each of {@code interfaces} (other machines).
     */
    static List<String> urls(List<Connector> connectors, String contextPath, Supplier<List<String>> interfaces) {
        List<String> urls = new ArrayList<>();
        for (Connector c : connectors) {
            List<String> hosts = wildcard(c.host()) ? new ArrayList<>(List.of("127.0.0.1")) : List.of(c.host());
            if (wildcard(c.host())) {
                hosts.addAll(interfaces.get());
            }
            for (String host : hosts) {
                String url = url(c.scheme(), host, c.port(), contextPath);
                if (!urls.contains(url)) {
                    urls.add(url);
                }
            }
        }
        return urls;
    }

    /**
     * This webapp in a few words for people, as the paths of its pictures name it: {@code host:port/context}
     * of the first of {@code urls} that other machines can use (else of the first), or without URLs its context path.
     */
    static String label(List<String> urls, String contextPath) {
        String url = urls.stream().filter(u -> !u.contains("://127.0.0.1") && !u.contains("://[::1]")).findFirst()
                .orElse(urls.isEmpty() ? null : urls.get(0));
        if (url == null) {
            return contextPath.isEmpty() ? "/" : contextPath;
        }
        String s = url.substring(url.indexOf("://") + 3);
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** {@code http://host:port/context/}, without the port when it is the scheme's own, with [] around IPv6. */
    static String url(String scheme, String host, int port, String contextPath) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        boolean defaultPort = "http".equals(scheme) && port == 80 || "https".equals(scheme) && port == 443;
        return scheme + "://" + h + (defaultPort ? "" : ":" + port) + contextPath + "/";
    }

    private static boolean wildcard(String host) {
        return host == null || host.isBlank() || WILDCARDS.contains(host);
    }

    /** Tomcat: the connectors of this webapp's engine, from JMX. */
    private static List<Connector> tomcat(ServletContext ctx) {
        String server = ctx.getVirtualServerName();
        if (server == null || server.indexOf('/') <= 0) {
            return List.of();
        }
        String engine = server.substring(0, server.indexOf('/'));
        List<Connector> connectors = new ArrayList<>();
        try {
            MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName name : mbeans.queryNames(new ObjectName(engine + ":type=Connector,*"), null)) {
                String protocol = String.valueOf(mbeans.getAttribute(name, "protocol"));
                if (protocol.toLowerCase(Locale.ROOT).contains("ajp")) {
                    continue;
                }
                int port = (Integer) mbeans.getAttribute(name, "localPort");
                if (port <= 0) {
                    port = (Integer) mbeans.getAttribute(name, "port");
                }
                Object address = mbeans.getAttribute(name, "address");
                String host = address instanceof InetAddress a ? a.getHostAddress()
                        : address == null ? null : address.toString();
                if (port > 0) {
                    connectors.add(new Connector(String.valueOf(mbeans.getAttribute(name, "scheme")), host, port));
                }
            }
        } catch (Exception e) {
            // Not Tomcat after all, or a Tomcat whose MBeans differ: no URLs from here.
            return List.of();
        }
        return connectors;
    }

    /** Jetty: the network connectors of the server this context runs in. */
    private static List<Connector> jetty(ServletContext ctx) {
        if (!ctx.getClass().getName().startsWith("org.eclipse.jetty.")) {
            return List.of();
        }
        List<Connector> connectors = new ArrayList<>();
        try {
            Object server = call(call(ctx, "getContextHandler"), "getServer");
            for (Object c : (Object[]) call(server, "getConnectors")) {
                if (publicMethod(c, "getLocalPort") == null) {
                    continue; // not a network connector (a Unix socket, say)
                }
                int port = attempt(() -> (Integer) call(c, "getLocalPort"), -1);
                if (port <= 0) {
                    port = (Integer) call(c, "getPort"); // configured, not yet open (jetty:run opens late)
                }
                // As Jetty's own Server.getURI(): a connector whose first protocol is SSL speaks https.
                String protocol = attempt(() -> (String) call(call(c, "getDefaultConnectionFactory"), "getProtocol"), "");
                String scheme = protocol.startsWith("SSL") ? "https" : "http";
                if (port > 0) {
                    connectors.add(new Connector(scheme, (String) call(c, "getHost"), port));
                }
            }
        } catch (Exception e) {
            // A Jetty whose API differs: no URLs from here.
            return List.of();
        }
        return connectors;
    }

    private interface Attempt<T> {
        T get() throws Exception;
    }

    private static <T> T attempt(Attempt<T> a, T otherwise) {
        try {
            T t = a.get();
            return t == null ? otherwise : t;
        } catch (Exception e) {
            return otherwise;
        }
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m = publicMethod(target, method);
        if (m == null) {
            throw new NoSuchMethodException(target.getClass().getName() + "." + method);
        }
        return m.invoke(target);
    }

    /** The public no-argument method, looked up from the nearest public class of {@code target}, so that reflection may call it. */
    private static Method publicMethod(Object target, String name) {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            if (Modifier.isPublic(c.getModifiers())) {
                try {
                    return c.getMethod(name);
                } catch (NoSuchMethodException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The IPv4 addresses other machines may reach this one at: of the interfaces that are up, not loopback. */
    private static List<String> interfaceAddresses() {
        List<String> addresses = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (ni.isUp() && !ni.isLoopback()) {
                    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                        if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                            addresses.add(a.getHostAddress());
                        }
                    }
                }
            }
        } catch (SocketException e) {
            // then only 127.0.0.1
        }
        return addresses;
    }
}
