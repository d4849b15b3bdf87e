package camstream.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One request written by hand, for the headers an HTTP client will not send as asked ({@code Host}
 * above all: what a DNS-rebinding page's browser sends), and the head of its response.
 */
public final class RawHttp {

    /** A response's status and header lines. */
    public record Head(int status, String text) {
        /** The first value of header {@code name}; "" if none. */
        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return text.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(l -> l.substring(prefix.length()).strip()).findFirst().orElse("");
        }
    }

    private RawHttp() {
    }

    /** The head of the answer to GET {@code uri}'s path and query with these {@code Host} and {@code Origin} (null: none). */
    public static Head get(URI uri, String host, String origin) throws IOException {
        return send(uri, host, origin, "Connection: close\r\n");
    }

    /** The head of the answer to a WebSocket upgrade of {@code uri} (ws://) with these {@code Host} and {@code Origin} (null: none). */
    public static Head upgrade(URI uri, String host, String origin) throws IOException {
        return send(uri, host, origin, "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
    }

    private static Head send(URI uri, String host, String origin, String headers) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + headers + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(s.getInputStream());
            return new Head(Integer.parseInt(head.substring(9, 12)), head);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 4 || sb.lastIndexOf("\r\n\r\n") != sb.length() - 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the response head: " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }
}
