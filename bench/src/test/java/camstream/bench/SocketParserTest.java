package camstream.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SocketParserTest {

    private final List<long[]> parts = new ArrayList<>();
    private final SocketParser parser = new SocketParser((ts, length, arrival) -> parts.add(new long[] {ts, length}));

    private static byte[] message(String camera, long ts, int jpeg) {
        ByteBuffer b = ByteBuffer.allocate(1 + camera.length() + 8 + jpeg);
        b.put((byte) camera.length()).put(camera.getBytes(StandardCharsets.US_ASCII)).putLong(ts);
        return b.array();
    }

    /** One server frame: FIN flag, opcode, payload (never masked). */
    private static byte[] frame(boolean fin, int opcode, byte[] payload, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int n = to - from;
        if (n < 126) {
            out.write(n);
        } else if (n < 65536) {
            out.write(126);
            out.write(n >> 8);
            out.write(n & 0xff);
        } else {
            out.write(127);
            out.writeBytes(ByteBuffer.allocate(8).putLong(n).array());
        }
        out.write(payload, from, n);
        return out.toByteArray();
    }

    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] small = message("default", 42, 20);
        out.writeBytes(frame(true, 2, small, 0, small.length));
        byte[] big = message("default", 43, 70_000);
        // Jetty splits messages over 64 KB into continuation frames; the first holds only 5 bytes here.
        out.writeBytes(frame(false, 2, big, 0, 5));
        out.writeBytes(frame(true, 0, big, 5, big.length));
        byte[] mid = message("cam-2", 44, 300);
        out.writeBytes(frame(true, 2, mid, 0, mid.length));
        return out.toByteArray();
    }

    @Test
    void countsWholeMessagesWithTheirCaptureTimeHoweverTheBytesArrive() throws Exception {
        byte[] all = stream();
        for (int i = 0; i < all.length; i++) {
            parser.feed(ByteBuffer.wrap(all, i, 1), 0); // one byte at a time: every split point
        }
        assertTrue(parser.headComplete());
        assertEquals(3, parser.parts());
        assertEquals(42, parts.get(0)[0]);
        assertEquals(20, parts.get(0)[1]);
        assertEquals(43, parts.get(1)[0]);
        assertEquals(70_000, parts.get(1)[1]);
        assertEquals(44, parts.get(2)[0]);
        assertFalse(parser.ended());
        parser.feed(ByteBuffer.wrap(new byte[] {(byte) 0x88, 0}), 0);
        assertTrue(parser.ended());
    }

    @Test
    void aRefusedUpgradeIsAnError() {
        byte[] head = "HTTP/1.1 404 Not Found\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(StreamParser.FramingException.class, () -> parser.feed(ByteBuffer.wrap(head), 0));
    }
}
