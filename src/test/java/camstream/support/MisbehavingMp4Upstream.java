package camstream.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A camstream's {@code /stream/cam.mp4} as a misbehaving one would send it: a real camstream's H.264
 * stream, recorded, served again at 15 frames/s to every connection, with a fault switched on and off
 * by the test. A fault begins after each connection's first few frames, so each reconnect shows a
 * moment of pictures before it.
 */
public final class MisbehavingMp4Upstream implements AutoCloseable {

    public static final int FPS = 15;
    private static final int GOOD_FRAMES = 5;

    public enum Fault {
        /** Fragments as they should be. */
        NONE,
        /** Bytes that are no MP4 box, where the next fragment should be. */
        GARBAGE,
        /** Half of a fragment, then the connection closed. */
        CUT,
        /** Nothing more, the connection kept open. */
        SILENT,
        /** A byte every 10 ms: whole frames come far too seldom. */
        SLOW,
        /** The connection closed between two frames, and {@code HTTP 500} to new ones: a server that restarts badly. */
        ERROR
    }

    private final byte[] init;
    private final List<byte[]> fragments;
    private final Set<String> samples = new HashSet<>();
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Fault fault = Fault.NONE;

    private MisbehavingMp4Upstream(byte[] init, List<byte[]> fragments, List<byte[]> samples) throws IOException {
        this.init = init;
        this.fragments = fragments;
        samples.forEach(s -> this.samples.add(HexFormat.of().formatHex(s)));
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "test-mp4-upstream");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** Records {@code frames} frames of the H.264 stream at {@code mp4}, from its first keyframe, and serves them. */
    public static MisbehavingMp4Upstream recording(URI mp4, int frames) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(mp4).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (Mp4Stream s = new Mp4Stream(r.body())) {
            ByteArrayOutputStream init = new ByteArrayOutputStream();
            init.writeBytes(bytes(s.next()));
            init.writeBytes(bytes(s.next()));
            List<byte[]> fragments = new ArrayList<>();
            List<byte[]> samples = new ArrayList<>();
            while (fragments.size() < frames) {
                Mp4Stream.Box moof = s.next();
                Mp4Stream.Box mdat = s.next();
                if (fragments.isEmpty() && !Mp4Stream.parse(moof, mdat).keyframe()) {
                    continue;
                }
                ByteArrayOutputStream f = new ByteArrayOutputStream();
                f.writeBytes(bytes(moof));
                f.writeBytes(bytes(mdat));
                fragments.add(f.toByteArray());
                samples.add(mdat.body());
            }
            return new MisbehavingMp4Upstream(init.toByteArray(), fragments, samples);
        }
    }

    private static byte[] bytes(Mp4Stream.Box box) {
        return ByteBuffer.allocate(8 + box.body().length).putInt(8 + box.body().length)
                .put(box.type().getBytes(StandardCharsets.ISO_8859_1)).put(box.body()).array();
    }

    /** {@code http://127.0.0.1:port/stream/cam}: a camstream's stream, as a relay camera names it. */
    public URI stream() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/stream/cam");
    }

    /** Whether {@code sample} is one of the recorded stream's. */
    public boolean isOurs(byte[] sample) {
        return samples.contains(HexFormat.of().formatHex(sample));
    }

    public int connections() {
        return connections.get();
    }

    public void fault(Fault f) {
        fault = f;
    }

    public void heal() {
        fault = Fault.NONE;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "test-mp4-upstream-" + connections.incrementAndGet());
                t.setDaemon(true);
                threads.add(t);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            String request = readHead(in);
            if (!request.startsWith("GET /stream/cam.mp4 ")) {
                out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (fault == Fault.ERROR) {
                out.write("HTTP/1.1 500 Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            out.write("HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(init);
            long next = System.nanoTime();
            for (int i = 0; ; i++) {
                byte[] f = fragments.get(i % fragments.size());
                Fault now = i < GOOD_FRAMES ? Fault.NONE : fault;
                switch (now) {
                    case GARBAGE -> {
                        out.write("<html><body>Internal error</body></html>\r\n".repeat(40).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        TimeUnit.SECONDS.sleep(1);
                        return;
                    }
                    case CUT -> {
                        out.write(f, 0, f.length / 2);
                        out.flush();
                        return;
                    }
                    case SILENT -> {
                        while (fault == Fault.SILENT && !server.isClosed()) {
                            TimeUnit.MILLISECONDS.sleep(50);
                        }
                        return;
                    }
                    case ERROR -> {
                        return;
                    }
                    case SLOW -> {
                        for (int b = 0; b < f.length && fault == Fault.SLOW; b++) {
                            out.write(f[b]);
                            out.flush();
                            TimeUnit.MILLISECONDS.sleep(10);
                        }
                        return;
                    }
                    default -> {
                        out.write(f);
                        out.flush();
                    }
                }
                next += TimeUnit.SECONDS.toNanos(1) / FPS;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        } catch (IOException | InterruptedException e) {
            // The relay closed the connection, or the test ended.
        } finally {
            sockets.remove(s);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n") || b.length() > 8192) {
                break;
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        acceptor.join(TimeUnit.SECONDS.toMillis(5));
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}
