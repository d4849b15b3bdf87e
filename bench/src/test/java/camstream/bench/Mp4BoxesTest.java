package camstream.bench;

import camstream.video.Fmp4;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Mp4BoxesTest {

    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1e, 0x01};
    private static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};

    /** What camstream's fMP4 writer makes: the init segment, then one fragment per frame, a keyframe every third. */
    private static byte[] stream(int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Fmp4.init(640, 480, SPS, PPS, 1_000_000));
        for (int i = 0; i < frames; i++) {
            byte[] sample = new byte[200 + 50 * i];
            sample[3] = (byte) (sample.length - 4); // contents do not matter, only their length
            out.writeBytes(Fmp4.fragment(i + 1, i * 33_333L, 33_333, i % 3 == 0, sample, 0, sample.length));
        }
        return out.toByteArray();
    }

    private static byte[] chunked(byte[] body, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEAD.getBytes(StandardCharsets.US_ASCII));
        for (int at = 0; at < body.length; at += size) {
            int n = Math.min(size, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private record Frame(long sequence, long decodeTime, boolean keyframe, int length) {
    }

    private static List<Frame> feed(byte[] bytes, int piece) throws Exception {
        List<Frame> frames = new ArrayList<>();
        StreamParser p = StreamParser.mp4(new StreamParser.Listener() {
            @Override
            public void part(long timestampMicros, int length, long arrivalMicros) {
                throw new AssertionError("an MP4 stream has no multipart parts");
            }

            @Override
            public void fragment(long sequence, long decodeTime, boolean keyframe, int length, long arrivalMicros) {
                frames.add(new Frame(sequence, decodeTime, keyframe, length));
            }
        });
        for (int at = 0; at < bytes.length; at += piece) {
            p.feed(ByteBuffer.wrap(bytes, at, Math.min(piece, bytes.length - at)), 0);
        }
        assertTrue(p.headComplete());
        assertEquals(frames.size(), p.parts());
        return frames;
    }

    @Test
    void framesAreReportedWithTheirSequenceTimeAndKeyframeFlagHoweverTheBytesAreSplit() throws Exception {
        for (int chunk : new int[] {7, 100, 4096}) {
            for (int piece : new int[] {1, 3, 64, 100_000}) {
                List<Frame> frames = feed(chunked(stream(4), chunk), piece);
                assertEquals(List.of(new Frame(1, 0, true, 200), new Frame(2, 33_333, false, 250),
                        new Frame(3, 66_666, false, 300), new Frame(4, 99_999, true, 350)), frames,
                        "chunks of " + chunk + ", read " + piece + " at a time");
            }
        }
    }

    @Test
    void aFragmentBeforeTheInitSegmentIsAFramingError() {
        byte[] s = stream(2);
        int init = Fmp4.init(640, 480, SPS, PPS, 1_000_000).length;
        byte[] noInit = java.util.Arrays.copyOfRange(s, init, s.length);
        assertThrows(StreamParser.FramingException.class, () -> feed(chunked(noInit, 1000), 1000));
    }

    @Test
    void aMultipartResponseIsNotTakenForMp4() {
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary=x\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertThrows(StreamParser.FramingException.class, () -> feed(head, 10));
    }
}
