package camstream.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client that asks for pictures and then reads nothing, with a small receive buffer so
 * that the server's sends back up within a second or two. Speaks just enough of RFC 6455 for that:
 * the opening handshake and one masked text frame.
 */
public final class StalledSocket implements AutoCloseable {

    private final Socket socket = new Socket();

    /** Connects to {@code uri} (ws://host:port/path), asks for {@code cameras}, and stops reading. */
    public StalledSocket(URI uri, String... cameras) throws IOException {
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(socket.getInputStream());
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + head);
        }
        out.write(maskedText("watch " + String.join(",", cameras)));
        out.flush();
    }

    /** The response head to an upgrade request for {@code uri} with these extra header lines ("Name: value\r\n"). */
    public static String upgradeHead(URI uri, String extraHeaders) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            s.getOutputStream().write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + extraHeaders + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return readHead(s.getInputStream());
        }
    }

    /** Reads a response head up to its blank line; fails if the connection ends first. */
    public static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** A client's text frame (clients must mask), payload under 126 bytes. */
    static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("text too long for this client");
        }
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81; // FIN, text
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    /**
     * Whether the server has closed the connection, seen by reading what it had sent until the end
     * (or a reset) within {@code timeout}: for after the stall, when reading no longer matters.
     */
    public boolean closedByServer(java.time.Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        socket.setSoTimeout(500);
        byte[] buf = new byte[64 * 1024];
        InputStream in = socket.getInputStream();
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException e) {
                // nothing yet
            } catch (IOException e) {
                return true; // reset
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
