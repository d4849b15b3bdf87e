package camstream.support;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An MJPEG upstream for tests that misbehaves on cue. It speaks HTTP/1.1 on raw sockets, because
 * what it must send (cut parts, lies in Content-Length, resets, silence) is what a correct server
 * library never sends. Its good stream is chunked, with a delimiter before each part (as many
 * cameras send it), at {@link #FPS} pictures of its own, each with an {@code X-Timestamp}.
 * {@link #fault} turns a misbehaviour on until {@link #heal}.
 */
public final class MisbehavingUpstream implements AutoCloseable {

    public static final int FPS = 15;
    public static final int HUGE_PART = 50 << 20;
    /** What {@link Fault#ENDLESS_PART} declares; it then sends as fast as it can until the relay hangs up. */
    public static final long ENDLESS_PART = 1_000_000_000_000_000L;

    /** What it does while faulty. Stream faults change the open stream; connection faults meet the next connection. */
    public enum Fault {
        NONE(false), TRUNCATED_PART(false), CONTENT_LENGTH_TOO_SMALL(false), CONTENT_LENGTH_TOO_LARGE(false),
        GARBAGE_BETWEEN_PARTS(false), HUGE_PART(false), ENDLESS_PART(false), ONE_BYTE_EVERY_10_MS(false), RESET_MID_PART(false),
        HTTP_500(true), HTTP_401(true), REDIRECT(true), HEADERS_THEN_SILENCE(true), SILENCE_BEFORE_HEADERS(true),
        NOT_MULTIPART(true);

        final boolean connection;

        Fault(boolean connection) {
            this.connection = connection;
        }
    }

    private static final String BOUNDARY = "--upstreamframe";

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-upstream");
        t.setDaemon(true);
        return t;
    });
    private final List<byte[]> pictures;
    private final Set<ByteBuffer> known = new HashSet<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Fault fault = Fault.NONE;
    private volatile boolean hugeSent;
    private final AtomicLong endlessSent = new AtomicLong();
    private volatile long endlessRefusedNanos;

    public MisbehavingUpstream() throws IOException {
        this.pictures = pictures(30);
        for (byte[] p : pictures) {
            known.add(ByteBuffer.wrap(p));
        }
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /** The stream's URL; {@code /moved} serves the same stream, for the redirect. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/stream");
    }

    /** True if {@code jpeg} is one of this upstream's pictures, byte for byte. */
    public boolean isOurs(byte[] jpeg) {
        return known.contains(ByteBuffer.wrap(jpeg));
    }

    public int connections() {
        return connections.get();
    }

    /** Bytes of endless parts the relay took (into its socket buffers or further) before it hung up. */
    public long endlessSent() {
        return endlessSent.get();
    }

    /** {@link System#nanoTime()} when the relay first hung up on an endless part, or 0. */
    public long endlessRefusedNanos() {
        return endlessRefusedNanos;
    }

    /** Starts misbehaving; a connection fault first ends the open streams, so that the next connection meets it. */
    public void fault(Fault f) {
        hugeSent = false;
        endlessSent.set(0);
        endlessRefusedNanos = 0;
        fault = f;
        if (f.connection) {
            closeAll();
        }
    }

    public void heal() {
        fault = Fault.NONE;
    }

    private void closeAll() {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        closeAll();
        threads.shutdownNow();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            String path = request(s.getInputStream());
            OutputStream out = s.getOutputStream();
            Fault f = fault;
            if (f.connection && !(f == Fault.REDIRECT && path.equals("/moved"))) {
                connectionFault(f, s, out);
                return;
            }
            stream(s, out);
        } catch (IOException e) {
            // the relay went away, or this side closed the socket
        } finally {
            open.remove(s);
        }
    }

    /** Reads the request head; returns its path. */
    private static String request(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("no request");
            }
            head.write(c);
            matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        String line = head.toString(StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
        String[] words = line.split(" ");
        return words.length > 1 ? words[1] : "/";
    }

    private void connectionFault(Fault f, Socket s, OutputStream out) throws IOException {
        switch (f) {
            case HTTP_500 -> out.write(ascii("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 6\r\nConnection: close\r\n\r\nbroken"));
            case HTTP_401 -> out.write(ascii("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n"));
            case REDIRECT -> out.write(ascii("HTTP/1.1 302 Found\r\nLocation: /moved\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n"));
            case NOT_MULTIPART -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 27\r\n"
                    + "Connection: close\r\n\r\n<html>camera offline</html>"));
            case HEADERS_THEN_SILENCE -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=" + BOUNDARY
                        + "\r\nConnection: close\r\n\r\n"));
                out.flush();
                awaitHealOrClose(s);
            }
            case SILENCE_BEFORE_HEADERS -> awaitHealOrClose(s);
            default -> throw new IllegalStateException(f.name());
        }
        out.flush();
    }

    /** Holds the connection, saying nothing, until the fault is healed or the relay gives up. */
    private void awaitHealOrClose(Socket s) throws IOException {
        s.setSoTimeout(100);
        InputStream in = s.getInputStream();
        while (fault != Fault.NONE) {
            try {
                if (in.read() < 0) {
                    return;
                }
            } catch (java.net.SocketTimeoutException e) {
                // still there
            }
        }
    }

    private void stream(Socket s, OutputStream raw) throws IOException {
        raw.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary=\"" + BOUNDARY + "\"\r\n"
                + "Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n"));
        OutputStream out = new Chunked(raw);
        Random random = new Random(42);
        long period = TimeUnit.SECONDS.toNanos(1) / FPS;
        long next = System.nanoTime();
        for (int n = 0; ; n++) {
            byte[] jpeg = pictures.get(n % pictures.size());
            Fault f = fault;
            switch (f) {
                case TRUNCATED_PART -> {
                    out.write(head(jpeg.length));
                    out.write(jpeg, 0, jpeg.length / 2);
                    out.write(ascii("\r\n"));
                }
                case CONTENT_LENGTH_TOO_SMALL -> part(out, jpeg, jpeg.length - 700);
                case CONTENT_LENGTH_TOO_LARGE -> part(out, jpeg, jpeg.length + 5000);
                case GARBAGE_BETWEEN_PARTS -> {
                    part(out, jpeg, jpeg.length);
                    byte[] garbage = new byte[1000 + random.nextInt(4000)];
                    random.nextBytes(garbage);
                    out.write(ascii("this is no header\r\n"));
                    out.write(garbage);
                    out.write(ascii("\r\n"));
                }
                case HUGE_PART -> {
                    if (!hugeSent) {
                        hugeSent = true; // once, even if the relay hangs up on it
                        huge(out);
                    }
                    part(out, jpeg, jpeg.length);
                }
                case ENDLESS_PART -> endless(out);
                case ONE_BYTE_EVERY_10_MS -> {
                    byte[] all = partBytes(jpeg, jpeg.length);
                    for (int i = 0; i < all.length; i++) {
                        if (fault == Fault.ONE_BYTE_EVERY_10_MS) {
                            out.write(all, i, 1);
                            out.flush();
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                        } else {
                            out.write(all, i, all.length - i);
                            break;
                        }
                    }
                }
                case RESET_MID_PART -> {
                    out.write(head(jpeg.length));
                    out.write(jpeg, 0, jpeg.length / 2);
                    out.flush();
                    s.setSoLinger(true, 0); // close() now sends a RST
                    return;
                }
                default -> part(out, jpeg, jpeg.length);
            }
            out.flush();
            next += period;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // the upstream's frame clock
            } else {
                next = System.nanoTime();
            }
        }
    }

    /** A 50 MiB part, sent at about 50 MB/s so that it is on the wire for a second, within the relay's read timeout. */
    private static void huge(OutputStream out) throws IOException {
        out.write(head(HUGE_PART));
        byte[] block = new byte[64 * 1024];
        block[0] = (byte) 0xFF;
        block[1] = (byte) 0xD8;
        out.write(block);
        block[0] = 0;
        block[1] = 0;
        long start = System.nanoTime();
        for (long sent = block.length; sent < HUGE_PART; sent += block.length) {
            out.write(block, 0, (int) Math.min(block.length, HUGE_PART - sent));
            long due = start + sent * 20;  // 20 ns a byte: 50 MB/s
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        out.write(ascii("\r\n"));
    }

    /** A part of {@link #ENDLESS_PART} bytes, sent as fast as the relay takes them; ends when it hangs up. */
    private void endless(OutputStream out) throws IOException {
        out.write(head(ENDLESS_PART));
        byte[] block = new byte[64 * 1024];
        block[0] = (byte) 0xFF;
        block[1] = (byte) 0xD8;
        try {
            while (true) {
                out.write(block);
                endlessSent.addAndGet(block.length);
                block[0] = 0;
                block[1] = 0;
            }
        } catch (IOException e) {
            if (endlessRefusedNanos == 0) {
                endlessRefusedNanos = System.nanoTime();
            }
            throw e;
        }
    }

    private static void part(OutputStream out, byte[] jpeg, int claimedLength) throws IOException {
        out.write(partBytes(jpeg, claimedLength));
    }

    private static byte[] partBytes(byte[] jpeg, int claimedLength) {
        byte[] head = head(claimedLength);
        byte[] all = new byte[head.length + jpeg.length + 2];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(jpeg, 0, all, head.length, jpeg.length);
        all[all.length - 2] = '\r';
        all[all.length - 1] = '\n';
        return all;
    }

    private static byte[] head(long length) {
        long micros = System.currentTimeMillis() * 1000;
        return ascii("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + length + "\r\nX-Timestamp: "
                + micros / 1_000_000 + "." + String.format("%06d", micros % 1_000_000) + "\r\n\r\n");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Pictures with a number on them, all different. */
    private static List<byte[]> pictures(int n) {
        java.util.ArrayList<byte[]> list = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(40, 90 + i * 5, 140));
            g.fillRect(0, 0, 320, 240);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 48));
            g.drawString("upstream " + i, 20, 130);
            g.dispose();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try {
                ImageIO.write(img, "jpg", b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            list.add(b.toByteArray());
        }
        return list;
    }

    /** HTTP/1.1 chunked transfer coding: each write is one chunk. */
    private static final class Chunked extends OutputStream {
        private final OutputStream out;

        Chunked(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            out.write(ascii(Integer.toHexString(len) + "\r\n"));
            out.write(b, off, len);
            out.write(ascii("\r\n"));
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
