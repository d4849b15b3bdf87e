package camstream.it.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Many HTTP/1.1 keep-alive connections to one server on one selector thread, each sending one GET at a
 * time and taking a response with a {@code Content-Length}: what hundreds of HLS players need from
 * a client, at a fraction of the JDK client's cost per request. Callbacks run on the selector thread.
 */
public final class HttpConnections implements AutoCloseable {

    /** What a response is handed to: the status and body, or the failure (status -1, body null). */
    public interface Handler {
        void response(int status, byte[] body, String failure);
    }

    private static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_BODY = 16 * 1024 * 1024;

    private final InetSocketAddress server;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    private volatile boolean running = true;

    public HttpConnections(InetSocketAddress server) throws IOException {
        this.server = server;
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "http-connections");
        thread.setDaemon(true);
        thread.start();
    }

    /** A connection of its own, opened at its first request. */
    public Connection connection() {
        return new Connection();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(10_000);
    }

    private void run() {
        try {
            while (running) {
                selector.select(100);
                for (Runnable t; (t = tasks.poll()) != null; ) {
                    t.run();
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    ((Connection) k.attachment()).ready(k);
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
                    // closing at the end
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing at the end
            }
        }
    }

    /** One keep-alive connection: one request at a time, sent again once on a fresh connection if the old one was closed. */
    public final class Connection {
        private SocketChannel channel;
        private SelectionKey key;
        private ByteBuffer request;
        private Handler handler;
        private String path;
        private boolean retried;
        private final byte[] head = new byte[MAX_HEAD];
        private int headLength;
        private int status;
        private byte[] body;
        private int bodyLength;
        private boolean closeAfter;
        private boolean responding;

        /** Sends {@code GET path} (from any thread); {@code handler} gets the answer on the selector thread. */
        public void get(String path, Handler handler) {
            tasks.add(() -> start(path, handler));
            selector.wakeup();
        }

        private void start(String path, Handler handler) {
            this.path = path;
            this.handler = handler;
            this.retried = false;
            send();
        }

        private void send() {
            request = ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
                    + "\r\nUser-Agent: camstream-hls-player\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            headLength = 0;
            body = null;
            responding = false;
            try {
                if (channel == null || !channel.isOpen()) {
                    channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    boolean connected = channel.connect(server);
                    key = channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, this);
                } else {
                    key.interestOps(SelectionKey.OP_WRITE);
                }
            } catch (IOException e) {
                fail("connect: " + e);
            }
        }

        void ready(SelectionKey k) {
            try {
                if (k.isConnectable()) {
                    channel.finishConnect();
                    k.interestOps(SelectionKey.OP_WRITE);
                } else if (k.isWritable()) {
                    channel.write(request);
                    if (!request.hasRemaining()) {
                        k.interestOps(SelectionKey.OP_READ);
                    }
                } else if (k.isReadable()) {
                    read();
                }
            } catch (IOException | RuntimeException e) {
                closeChannel();
                if (!responding && !retried) {
                    retried = true; // a keep-alive connection the server had closed: once more on a new one
                    send();
                } else {
                    fail(e.toString());
                }
            }
        }

        private void read() throws IOException {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                throw new IOException("closed by the server");
            }
            buffer.flip();
            responding = true;
            while (buffer.hasRemaining()) {
                if (body == null) {
                    if (headLength == MAX_HEAD) {
                        throw new IOException("response head over " + MAX_HEAD + " bytes");
                    }
                    head[headLength++] = buffer.get();
                    if (headLength >= 4 && head[headLength - 1] == '\n' && head[headLength - 2] == '\r'
                            && head[headLength - 3] == '\n' && head[headLength - 4] == '\r') {
                        parseHead();
                    }
                } else {
                    int take = Math.min(buffer.remaining(), body.length - bodyLength);
                    buffer.get(body, bodyLength, take);
                    bodyLength += take;
                }
                if (body != null && bodyLength == body.length) {
                    if (buffer.hasRemaining()) {
                        throw new IOException("bytes after the response");
                    }
                    complete();
                    return;
                }
            }
        }

        private void parseHead() throws IOException {
            String text = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
            String[] lines = text.split("\r\n");
            status = Integer.parseInt(lines[0].split(" ")[1]);
            long length = -1;
            closeAfter = false;
            for (String line : lines) {
                String l = line.toLowerCase(Locale.ROOT);
                if (l.startsWith("content-length:")) {
                    length = Long.parseLong(l.substring(15).strip());
                } else if (l.startsWith("connection:") && l.contains("close")) {
                    closeAfter = true;
                } else if (l.startsWith("transfer-encoding:")) {
                    throw new IOException("a response without Content-Length: " + lines[0]);
                }
            }
            if (length < 0 || length > MAX_BODY) {
                throw new IOException("Content-Length " + length + " in " + lines[0]);
            }
            body = new byte[(int) length];
            bodyLength = 0;
        }

        private void complete() {
            key.interestOps(0);
            if (closeAfter) {
                closeChannel();
            }
            Handler h = handler;
            handler = null;
            h.response(status, body, null);
        }

        private void fail(String why) {
            closeChannel();
            Handler h = handler;
            handler = null;
            if (h != null) {
                h.response(-1, null, path + ": " + why);
            }
        }

        private void closeChannel() {
            if (key != null) {
                key.cancel();
            }
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // failed already
            }
            channel = null;
        }
    }
}
