package camstream.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;

/**
 * Holds many MJPEG streams (or, for a path ending in {@code .mp4}, fragmented MP4 streams, whose
 * frames are their moof + mdat pairs) open from one or two selector threads and counts their parts. A
 * connection is a channel, a {@link StreamParser} and a few counters; reads go through one shared
 * buffer per thread.
 */
public final class LoadGenerator implements AutoCloseable {

    /** Connections that have been opened but have not yet received their response head. */
    private static final int MAX_CONNECTING = 64;
    private static final int READ_BUFFER = 256 * 1024;

    private final InetSocketAddress server;
    private final String path;
    /** For WebSocket viewers: the watch request sent once the upgrade is answered; null for multipart. */
    private final byte[] watch;
    private final Worker[] workers;
    private final List<Connection> connections = new ArrayList<>();
    private final Semaphore connecting = new Semaphore(MAX_CONNECTING);

    // Measurement window, in epoch microseconds; parts arriving inside it are counted.
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    public LoadGenerator(InetSocketAddress server, String path, int threads) throws IOException {
        this(server, path, threads, null);
    }

    /**
     * @param path   a multipart stream, or with {@code camera} the WebSocket endpoint
     * @param camera null for multipart viewers; else each viewer is a WebSocket that watches this camera
     */
    public LoadGenerator(InetSocketAddress server, String path, int threads, String camera) throws IOException {
        this.server = server;
        this.path = path;
        this.watch = camera == null ? null : SocketParser.text("watch " + camera);
        this.workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(i);
        }
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    /**
     * Opens {@code n} streams, at most {@link #MAX_CONNECTING} at a time so that the server's accept
     * queue never overflows, and waits until each got its response head or failed.
     *
     * @param readers false for viewers that send the request and then never read a byte
     */
    public void open(int n, boolean readers, long timeoutNanos) throws InterruptedException {
        open(n, readers, timeoutNanos, "");
    }

    /** As {@link #open(int, boolean, long)}, with {@code query} (e.g. {@code width=320}) added to the stream's path. */
    public void open(int n, boolean readers, long timeoutNanos, String query) throws InterruptedException {
        byte[] request = watch != null ? SocketParser.request(path, server.getHostString() + ":" + server.getPort())
                : ("GET " + path + (query.isEmpty() ? "" : "?" + query) + " HTTP/1.1\r\nHost: "
                + server.getHostString() + ":" + server.getPort()
                + "\r\nUser-Agent: camstream-bench\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + timeoutNanos;
        for (int i = 0; i < n; i++) {
            if (!connecting.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            Connection c = new Connection(connections.size(), readers, request, query);
            connections.add(c);
            Worker w = workers[c.id % workers.length];
            w.incoming.add(c);
            w.selector.wakeup();
        }
        if (connecting.tryAcquire(MAX_CONNECTING, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            connecting.release(MAX_CONNECTING);
        }
    }

    /** Starts counting parts that arrive between {@code start} and {@code end} (epoch microseconds). */
    public void window(long start, long end) {
        windowEnd = end;
        windowStart = start;
    }

    /**
     * Forgets each stream's longest gap so far, for a window after another one: between the two, the
     * window is {@code (Long.MAX_VALUE, Long.MAX_VALUE)}, which counts nothing but keeps each stream's last picture.
     */
    public void forgetGaps() {
        for (Connection c : connections) {
            c.maxGapMicros = 0;
        }
    }

    public List<Connection> connections() {
        return connections;
    }

    public long[] latencies() {
        int n = 0;
        for (Worker w : workers) {
            n += w.latencyCount;
        }
        long[] all = new long[n];
        int at = 0;
        for (Worker w : workers) {
            System.arraycopy(w.latencies, 0, all, at, w.latencyCount);
            at += w.latencyCount;
        }
        return all;
    }

    /** Bytes read inside the measurement window. */
    public long windowBytes() {
        long n = 0;
        for (Worker w : workers) {
            n += w.windowBytes;
        }
        return n;
    }

    /** Stops the selector threads and closes every connection; the counters stay readable. */
    @Override
    public void close() throws InterruptedException {
        for (Worker w : workers) {
            w.running = false;
            w.selector.wakeup();
        }
        for (Worker w : workers) {
            w.thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** One stream's state, owned by its worker thread until the generator is closed. */
    public final class Connection implements StreamParser.Listener {
        final int id;
        final boolean reader;
        final byte[] request;
        /** What the stream's path asked for besides the camera (e.g. {@code width=320}); empty for its main stream. */
        final String query;
        final Parser parser = watch != null ? new SocketParser(this)
                : path.endsWith(".mp4") ? StreamParser.mp4(this) : new StreamParser(this);
        SocketChannel channel;
        ByteBuffer pendingRequest;
        volatile boolean headReceived;
        volatile String failure;
        volatile boolean endedByServer;
        volatile long windowParts;
        volatile long outOfOrder;
        volatile long maxGapMicros;
        private long lastTimestamp = -1;
        private long lastSequence = -1;
        /** MP4 frames the server made but did not send this viewer (gaps in the sequence numbers), in the window. */
        volatile long windowSkipped;
        /** Whether an MP4 stream began with a frame a player cannot start at. */
        volatile boolean startedWithoutKeyframe;
        private volatile long lastPictureArrival = -1;
        private Worker worker;

        Connection(int id, boolean reader, byte[] request, String query) {
            this.id = id;
            this.reader = reader;
            this.request = request;
            this.query = query;
        }

        public boolean connected() {
            return headReceived;
        }

        public String failure() {
            return failure;
        }

        public boolean endedByServer() {
            return endedByServer;
        }

        public long windowParts() {
            return windowParts;
        }

        /**
         * Longest wait for a new picture inside the window, once it ended: between two parts with newer X-Timestamps
         * (a keep-alive repeat does not end it), or from the last of them to the window's end.
         */
        public long maxGapMicros() {
            long last = lastPictureArrival;
            return last < 0 ? 0 : Math.max(maxGapMicros, windowEnd - Math.max(last, windowStart));
        }

        /** Parts whose X-Timestamp was not newer than the one before. */
        public long outOfOrder() {
            return outOfOrder;
        }

        public long parts() {
            return parser.parts();
        }

        public long windowSkipped() {
            return windowSkipped;
        }

        @Override
        public void part(long timestampMicros, int length, long arrivalMicros) {
            received(timestampMicros, timestampMicros, arrivalMicros);
        }

        /** An MP4 frame: ordered by its decode time, which is no wall clock, so no latency. */
        @Override
        public void fragment(long sequence, long decodeTime, boolean keyframe, int length, long arrivalMicros) {
            if (lastSequence < 0 && !keyframe) {
                startedWithoutKeyframe = true;
            }
            if (lastSequence >= 0 && sequence > lastSequence + 1 && arrivalMicros >= windowStart && arrivalMicros < windowEnd) {
                windowSkipped += sequence - lastSequence - 1;
            }
            lastSequence = sequence;
            received(decodeTime, -1, arrivalMicros);
        }

        /**
         * @param order         newer for each new picture
         * @param captureMicros the capture time on the wall clock, or -1 when the stream does not say
         */
        private void received(long order, long captureMicros, long arrivalMicros) {
            boolean newer = order > lastTimestamp;
            if (!newer) {
                outOfOrder++;
            }
            lastTimestamp = order;
            if (arrivalMicros >= windowStart && arrivalMicros < windowEnd) {
                windowParts++;
                if (newer && lastPictureArrival >= 0 && arrivalMicros - lastPictureArrival > maxGapMicros) {
                    maxGapMicros = arrivalMicros - lastPictureArrival;
                }
                if (captureMicros >= 0) {
                    worker.latency(arrivalMicros - captureMicros);
                }
            }
            if (newer && arrivalMicros < windowEnd) {
                lastPictureArrival = arrivalMicros;
            }
        }
    }

    private final class Worker implements Runnable {
        final Thread thread;
        final Selector selector;
        final ConcurrentLinkedQueue<Connection> incoming = new ConcurrentLinkedQueue<>();
        final ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BUFFER);
        volatile boolean running = true;
        long[] latencies = new long[1 << 16];
        int latencyCount;
        /** Written by this worker only; volatile so that it can be read while the window is open. */
        volatile long windowBytes;

        Worker(int index) throws IOException {
            this.selector = Selector.open();
            this.thread = new Thread(this, "bench-selector-" + index);
        }

        void latency(long micros) {
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = micros;
        }

        @Override
        public void run() {
            try {
                while (running) {
                    selector.select(100);
                    for (Connection c; (c = incoming.poll()) != null; ) {
                        start(c);
                    }
                    for (SelectionKey k : selector.selectedKeys()) {
                        handle(k);
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new IllegalStateException("selector failed", e);
            } finally {
                for (SelectionKey k : selector.keys()) {
                    try {
                        k.channel().close();
                    } catch (IOException ignored) {
                        // closing at the end of the run
                    }
                }
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // closing at the end of the run
                }
            }
        }

        private void start(Connection c) {
            c.worker = this;
            try {
                SocketChannel ch = SocketChannel.open();
                c.channel = ch;
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (!c.reader) {
                    // A small window so that the server's writes back up quickly.
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
                }
                if (watch != null && !c.reader) {
                    // Never reads the 101: the watch request follows the handshake at once, and both containers
                    // keep bytes that arrive with an upgrade request for the upgraded connection.
                    byte[] both = Arrays.copyOf(c.request, c.request.length + watch.length);
                    System.arraycopy(watch, 0, both, c.request.length, watch.length);
                    c.pendingRequest = ByteBuffer.wrap(both);
                } else {
                    c.pendingRequest = ByteBuffer.wrap(c.request);
                }
                if (ch.connect(server)) {
                    ch.register(selector, SelectionKey.OP_WRITE, c);
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException e) {
                fail(c, null, "connect: " + e.getMessage());
            }
        }

        private void handle(SelectionKey k) {
            Connection c = (Connection) k.attachment();
            try {
                if (k.isConnectable()) {
                    c.channel.finishConnect();
                    k.interestOps(SelectionKey.OP_WRITE);
                    return;
                }
                if (k.isWritable()) {
                    c.channel.write(c.pendingRequest);
                    if (!c.pendingRequest.hasRemaining()) {
                        c.pendingRequest = null;
                        if (c.reader) {
                            k.interestOps(SelectionKey.OP_READ);
                        } else {
                            k.interestOps(0);
                            c.headReceived = true;
                            connecting.release();
                        }
                    }
                    return;
                }
                if (k.isReadable()) {
                    read(k, c);
                }
            } catch (IOException e) {
                fail(c, k, (c.headReceived ? "" : "connect: ") + e.getMessage());
            } catch (RuntimeException e) {
                fail(c, k, "parser: " + e);
            }
        }

        private void read(SelectionKey k, Connection c) throws IOException {
            buffer.clear();
            int n = c.channel.read(buffer);
            if (n < 0) {
                c.endedByServer = true;
                fail(c, k, c.headReceived ? "closed by server" : "connect: closed before the response head");
                return;
            }
            buffer.flip();
            long now = nowMicros();
            if (now >= windowStart && now < windowEnd) {
                windowBytes += n;
            }
            c.parser.feed(buffer, now);
            if (!c.headReceived && c.parser.headComplete()) {
                if (watch != null) {
                    // A few bytes on a socket that has sent nothing else: the send buffer takes them whole.
                    c.channel.write(ByteBuffer.wrap(watch));
                }
                c.headReceived = true;
                connecting.release();
            }
            if (c.parser.ended()) {
                c.endedByServer = true;
                fail(c, k, "stream ended by server");
            }
        }

        private void fail(Connection c, SelectionKey k, String why) {
            if (c.failure == null) {
                c.failure = why;
                if (!c.headReceived) {
                    connecting.release();
                }
            }
            if (k != null) {
                k.cancel();
            }
            try {
                if (c.channel != null) {
                    c.channel.close();
                }
            } catch (IOException ignored) {
                // already failed
            }
        }
    }
}
