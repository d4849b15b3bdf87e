package camstream.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Incremental parser for one camstream WebSocket as a client sees it: the 101 response head, then
 * the server's frames (never masked). Of each binary message it keeps only its first bytes, the
 * camera id and capture time ({@code camstream.stream.SocketMessage}); the JPEG is skipped, never
 * copied. Messages may be split into continuation frames and bytes may arrive split anywhere.
 */
final class SocketParser implements Parser {

    private static final int MAX_LINE = 512;
    /** 1 byte id length, up to 255 bytes of id, 8 bytes of timestamp. */
    private static final int MAX_PREFIX = 1 + 255 + 8;

    private static final int STATUS = 0, HEAD = 1, FRAME_HEADER = 2, PAYLOAD = 3, CLOSED = 4;

    private final StreamParser.Listener listener;
    private int state = STATUS;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;

    private final byte[] header = new byte[14];
    private int headerLength;
    private int opcode;
    private boolean fin;
    private long payloadLeft;

    // The binary message being received.
    private final byte[] prefix = new byte[MAX_PREFIX];
    private int prefixLength;
    private long messageLength;
    private boolean inBinaryMessage;
    private long parts;

    SocketParser(StreamParser.Listener listener) {
        this.listener = listener;
    }

    @Override
    public boolean headComplete() {
        return state >= FRAME_HEADER;
    }

    @Override
    public boolean ended() {
        return state == CLOSED;
    }

    @Override
    public long parts() {
        return parts;
    }

    @Override
    public void feed(ByteBuffer buf, long arrivalMicros) throws StreamParser.FramingException {
        while (buf.hasRemaining()) {
            switch (state) {
                case STATUS, HEAD -> {
                    if (readLine(buf)) {
                        headLine();
                    }
                }
                case FRAME_HEADER -> frameHeader(buf, arrivalMicros);
                case PAYLOAD -> payload(buf, arrivalMicros);
                default -> {
                    buf.position(buf.limit()); // after a close frame: ignore the rest
                }
            }
        }
    }

    private boolean readLine(ByteBuffer buf) throws StreamParser.FramingException {
        while (buf.hasRemaining()) {
            byte b = buf.get();
            if (b == '\n') {
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
            if (lineLength == MAX_LINE) {
                throw new StreamParser.FramingException("response line longer than " + MAX_LINE + " bytes");
            }
            line[lineLength++] = b;
        }
        return false;
    }

    private void headLine() throws StreamParser.FramingException {
        String s = new String(line, 0, lineLength, StandardCharsets.US_ASCII);
        lineLength = 0;
        if (state == STATUS) {
            if (!s.startsWith("HTTP/1.1 101")) {
                throw new StreamParser.FramingException("no WebSocket upgrade: " + s);
            }
            state = HEAD;
        } else if (s.isEmpty()) {
            state = FRAME_HEADER;
        }
    }

    private void frameHeader(ByteBuffer buf, long arrivalMicros) throws StreamParser.FramingException {
        while (buf.hasRemaining()) {
            header[headerLength++] = buf.get();
            if (headerLength < 2) {
                continue;
            }
            int len7 = header[1] & 0x7f;
            if ((header[1] & 0x80) != 0) {
                throw new StreamParser.FramingException("a masked frame from the server");
            }
            int need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
            if (headerLength < need) {
                continue;
            }
            long length = len7 < 126 ? len7 : 0;
            for (int i = 2; i < need; i++) {
                length = (length << 8) | (header[i] & 0xff);
            }
            fin = (header[0] & 0x80) != 0;
            opcode = header[0] & 0x0f;
            payloadLeft = length;
            headerLength = 0;
            if (opcode == 0x8) {
                state = CLOSED;
                return;
            }
            if (opcode == 0x2) {
                inBinaryMessage = true;
                prefixLength = 0;
                messageLength = 0;
            } else if (opcode != 0x0 && opcode != 0x9 && opcode != 0xA && opcode != 0x1) {
                throw new StreamParser.FramingException("unknown opcode " + opcode);
            }
            state = PAYLOAD;
            if (payloadLeft == 0) {
                endOfFrame(arrivalMicros);
            }
            return;
        }
    }

    private void payload(ByteBuffer buf, long arrivalMicros) {
        int n = (int) Math.min(payloadLeft, buf.remaining());
        boolean data = inBinaryMessage && (opcode == 0x2 || opcode == 0x0);
        if (data) {
            int keep = Math.min(n, MAX_PREFIX - prefixLength);
            buf.get(prefix, prefixLength, keep);
            prefixLength += keep;
            buf.position(buf.position() + n - keep);
            messageLength += n;
        } else {
            buf.position(buf.position() + n);
        }
        payloadLeft -= n;
        if (payloadLeft == 0) {
            endOfFrame(arrivalMicros);
        }
    }

    private void endOfFrame(long arrivalMicros) {
        state = FRAME_HEADER;
        if (fin && inBinaryMessage && (opcode == 0x2 || opcode == 0x0)) {
            inBinaryMessage = false;
            parts++;
            int n = prefixLength > 0 ? prefix[0] & 0xff : 0;
            long ts = -1;
            if (prefixLength >= 1 + n + 8) {
                ts = ByteBuffer.wrap(prefix, 1 + n, 8).getLong();
            }
            listener.part(ts, (int) Math.max(0, messageLength - (1 + n + 8)), arrivalMicros);
        }
    }

    /** The opening handshake for {@code path}; the server checks the key's form, not its value. */
    static byte[] request(String path, String host) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: camstream-bench\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: Y2Ftc3RyZWFtLWJlbmNoIQ==\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A client's masked text frame (payload under 126 bytes): the watch request. */
    static byte[] text(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x1b, 0x2c, 0x3d, 0x4e};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }
}
