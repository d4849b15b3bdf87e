package camstream.web;

import camstream.config.Settings;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The origins of camstream's own pages: the only pages that may open its WebSocket, and the pages
 * besides {@code camstream.cors.allowOrigin}'s whose requests it answers. Never decided by the
 * request's {@code Host}: a page that DNS rebinding put on the attacker's name sends that name as its
 * {@code Origin} and as {@code Host}. An origin is camstream's own when it is
 * <ul>
 * <li>one of {@code camstream.publicOrigins} (the names users type, such as a reverse proxy's), or</li>
 * <li>a connector's scheme and port with one of this machine's names for it: {@code localhost}, a
 * loopback address or the address of one of its interfaces (a connector bound to one address: that
 * address, and {@code localhost} for a loopback one). When the container did not say where it
 * listens ({@link ServerAddress}), any scheme and port with one of those names.</li>
 * </ul>
 * Addresses are compared as addresses; a name is never looked up.
 */
final class Origins {

    /** The ServletContext attribute that holds the running webapp's instance. */
    static final String ATTRIBUTE = Origins.class.getName();

    private static final Logger LOG = Logger.getLogger(Origins.class.getName());
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** An origin taken apart: scheme and host in lower case, an address in one spelling, the port filled in. */
    record Origin(String scheme, String host, int port) {

        /** {@code scheme://host[:port]} with http or https; null for anything else, {@code null} included. */
        static Origin parse(String origin) {
            try {
                URI u = new URI(origin.strip());
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                boolean bare = u.getRawUserInfo() == null && u.getRawQuery() == null && u.getRawFragment() == null
                        && (u.getRawPath() == null || u.getRawPath().isEmpty());
                if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || !bare) {
                    return null;
                }
                String host = u.getHost().toLowerCase(Locale.ROOT);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                InetAddress address = literal(host);
                if (address != null) {
                    host = address.getHostAddress(); // one spelling per address
                }
                return new Origin(scheme, host, u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80);
            } catch (java.net.URISyntaxException | RuntimeException e) {
                return null;
            }
        }
    }

    private final List<ServerAddress.Connector> connectors;
    private final Set<Origin> publicOrigins = new HashSet<>();
    private final Predicate<InetAddress> local;
    private final AtomicBoolean refusedOnce = new AtomicBoolean();

    /**
     * @param connectors    where the container listens; empty: it did not say
     * @param publicOrigins {@code camstream.publicOrigins}, already checked to be origins
     * @param local         whether an address belongs to one of this machine's interfaces
     */
    Origins(List<ServerAddress.Connector> connectors, List<String> publicOrigins, Predicate<InetAddress> local) {
        this.connectors = List.copyOf(connectors);
        for (String o : publicOrigins) {
            Origin parsed = Origin.parse(o);
            if (parsed != null) {
                this.publicOrigins.add(parsed);
            }
        }
        this.local = local;
    }

    Origins(List<ServerAddress.Connector> connectors, List<String> publicOrigins) {
        this(connectors, publicOrigins, Origins::onInterface);
    }

    /** Whether a page at {@code origin} (an {@code Origin} header's value) is one of camstream's own. */
    boolean own(String origin) {
        Origin o = Origin.parse(origin);
        if (o == null) {
            return false;
        }
        if (publicOrigins.contains(o)) {
            return true;
        }
        if (connectors.isEmpty()) {
            return thisMachine(o.host(), null);
        }
        for (ServerAddress.Connector c : connectors) {
            if (c.scheme().equalsIgnoreCase(o.scheme()) && c.port() == o.port() && thisMachine(o.host(), c.host())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Logs a page refused for its {@code Origin}: the first at WARNING, with what to set if it was
     * camstream's own page at a name it does not know; the rest at FINE, so probes cannot fill the log.
     */
    void refused(String origin, String path) {
        String o = printable(origin);
        String where = printable(path);
        if (refusedOnce.compareAndSet(false, true)) {
            LOG.warning(() -> "Refused a page at " + o + " on " + where + ": its Origin is not one of camstream's own"
                    + " (the addresses it listens at, localhost, " + Settings.PUBLIC_ORIGINS + "). If users open camstream"
                    + " there, add it to " + Settings.PUBLIC_ORIGINS + "; further refusals are logged at FINE");
        } else {
            LOG.fine(() -> "Refused a page at " + o + " on " + where);
        }
    }

    /** {@code s} for the log: at most 100 characters, nothing but those of a URL without its query. */
    private static String printable(String s) {
        return (s.length() > 100 ? s.substring(0, 100) + "..." : s).replaceAll("[^A-Za-z0-9._~:/\\[\\]-]", "?");
    }

    /** Whether {@code host} names this machine as reached through a connector bound to {@code bound} (null: all interfaces). */
    private boolean thisMachine(String host, String bound) {
        InetAddress address = literal(host);
        String b = bound == null || bound.isBlank() ? null : bound.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        InetAddress boundAddress = b == null ? null : literal(b);
        if (b == null || boundAddress != null && boundAddress.isAnyLocalAddress()) {
            return host.equals("localhost") || address != null && (address.isLoopbackAddress() || local.test(address));
        }
        if (host.equals(b) || address != null && address.equals(boundAddress)) {
            return true;
        }
        boolean loopback = b.equals("localhost") || boundAddress != null && boundAddress.isLoopbackAddress();
        return loopback && (host.equals("localhost") || address != null && address.isLoopbackAddress());
    }

    /** The address {@code host} writes literally, or null for a name (which is never looked up). */
    static InetAddress literal(String host) {
        try {
            if (IPV4.matcher(host).matches()) {
                byte[] bytes = new byte[4];
                String[] parts = host.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int n = Integer.parseInt(parts[i]);
                    if (n > 255) {
                        return null;
                    }
                    bytes[i] = (byte) n;
                }
                return InetAddress.getByAddress(bytes);
            }
            // With a colon it is an IPv6 literal or invalid: InetAddress does not look it up.
            return host.indexOf(':') >= 0 && host.indexOf('%') < 0 ? InetAddress.getByName(host) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean onInterface(InetAddress address) {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
