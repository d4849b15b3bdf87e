package camstream.video;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Fmp4Reader} reads back what {@link Fmp4} writes, fed in any pieces, and refuses anything else by name. */
class Fmp4ReaderTest {

    static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0xDA, 0x02, (byte) 0x80};
    static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
    private static final byte[] IDR = {0x65, (byte) 0x88, (byte) 0x84, 0x00, 0x33, 0x21};
    private static final byte[] P = {0x41, (byte) 0x9A, 0x02, 0x04};
    private static final int MAX = 1 << 20;

    private record Read(AccessUnit unit, long duration) {
    }

    /** An init segment (avc3) and {@code frames} fragments, a keyframe with its parameter sets every fourth. */
    static byte[] stream(int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Fmp4.inBandInit(Fmp4.init(640, 480, SPS, PPS, 1_000_000)));
        for (int i = 0; i < frames; i++) {
            out.writeBytes(fragment(i, i % 4 == 0));
        }
        return out.toByteArray();
    }

    static byte[] sample(int i, boolean key) {
        byte[] slice = (key ? IDR : P).clone();
        slice[slice.length - 1] = (byte) i;
        byte[] s = AnnexB.toAvcc(List.of(new AnnexB.Nal(slice, 0, slice.length)));
        return key ? AnnexB.withParameterSets(s, SPS, PPS) : s;
    }

    private static byte[] fragment(int i, boolean key) {
        byte[] s = sample(i, key);
        return Fmp4.fragment(i + 1, i * 33_333L, 33_333 + i, key, s, 0, s.length);
    }

    private static List<Read> read(byte[] stream, int chunk) throws Fmp4Reader.Malformed {
        List<Read> got = new ArrayList<>();
        Fmp4Reader r = new Fmp4Reader(MAX, (u, d) -> got.add(new Read(u, d)));
        for (int at = 0; at < stream.length; at += chunk) {
            r.feed(ByteBuffer.wrap(stream, at, Math.min(chunk, stream.length - at)));
        }
        return got;
    }

    /** The sample as an MP4 sample again: each NAL unit after its 4-byte length. */
    private static byte[] avcc(AccessUnit u) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] n : u.nals()) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(n.length).array());
            out.writeBytes(n);
        }
        return out.toByteArray();
    }

    @Test
    void everyFrameComesBackAsItsSampleWhateverPiecesTheStreamArrivesIn() throws Exception {
        byte[] stream = stream(12);
        for (int chunk : new int[] {1, 3, 7, 8, 13, 100, 4096, stream.length}) {
            List<Read> got = read(stream, chunk);
            assertEquals(12, got.size(), "frames read in pieces of " + chunk);
            for (int i = 0; i < got.size(); i++) {
                AccessUnit u = got.get(i).unit();
                assertArrayEquals(sample(i, i % 4 == 0), avcc(u), "frame " + i + " in pieces of " + chunk);
                assertEquals(i % 4 == 0, u.keyframe());
                assertEquals(33_333 + i, got.get(i).duration());
                assertEquals(Codec.H264, u.codec());
            }
            assertArrayEquals(SPS, got.get(0).unit().lastOfType(AnnexB.SPS));
            assertArrayEquals(PPS, got.get(0).unit().lastOfType(AnnexB.PPS));
        }
    }

    @Test
    void theTimescaleOfDurationsIsTheInitSegmentsOnceItIsRead() throws Exception {
        Fmp4Reader r = new Fmp4Reader(MAX, (u, d) -> { });
        assertEquals(0, r.timescale());
        r.feed(ByteBuffer.wrap(Fmp4.init(640, 480, SPS, PPS, 90_000)));
        assertEquals(90_000, r.timescale());
    }

    @Test
    void aKeyframeWithoutParameterSetsGetsThoseOfTheInitSegment() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Fmp4.init(640, 480, SPS, PPS, 90_000)); // avc1: parameter sets in avcC only
        byte[] s = AnnexB.toAvcc(List.of(new AnnexB.Nal(IDR, 0, IDR.length)));
        out.writeBytes(Fmp4.fragment(1, 0, 3000, true, s, 0, s.length));
        AccessUnit u = read(out.toByteArray(), 5).get(0).unit();
        assertTrue(u.keyframe());
        assertArrayEquals(SPS, u.nals().get(0));
        assertArrayEquals(PPS, u.nals().get(1));
        assertArrayEquals(IDR, u.nals().get(2));
    }

    @Test
    void boxesAPlayerSkipsAreSkipped() throws Exception {
        byte[] init = Fmp4.inBandInit(Fmp4.init(640, 480, SPS, PPS, 1_000_000));
        byte[] free = {0, 0, 0, 12, 'f', 'r', 'e', 'e', 1, 2, 3, 4};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(init);
        out.writeBytes(free);
        out.writeBytes(fragment(0, true));
        out.writeBytes(free);
        out.writeBytes(fragment(1, false));
        assertEquals(2, read(out.toByteArray(), 9).size());
    }

    @Test
    void bytesThatAreNoBoxAreRefusedByName() {
        byte[] garbage = "HTTP/1.1 200 OK\r\n\r\n<html>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        garbage[4] = 0x01;
        Fmp4Reader.Malformed e = assertThrows(Fmp4Reader.Malformed.class, () -> read(garbage, 64));
        assertTrue(e.getMessage().contains("not an MP4 box"), e.getMessage());
    }

    @Test
    void aStreamThatDoesNotBeginWithItsInitSegmentIsRefused() {
        byte[] frag = fragment(0, true);
        Fmp4Reader.Malformed e = assertThrows(Fmp4Reader.Malformed.class, () -> read(frag, 64));
        assertEquals("the stream begins with 'moof', not 'ftyp'", e.getMessage());
    }

    @Test
    void aBoxOverItsMaximumIsRefusedAtItsHeaderBeforeAnyOfItIsHeld() {
        byte[] stream = stream(1);
        byte[] huge = Arrays.copyOf(stream, stream.length + 8);
        ByteBuffer.wrap(huge, stream.length, 8).putInt(0xFFFFFFF0).put("mdat".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Fmp4Reader.Malformed e = assertThrows(Fmp4Reader.Malformed.class, () -> read(huge, 4096));
        assertEquals("a 'mdat' box of 4294967280 bytes, over the maximum of " + (MAX + 8), e.getMessage());
        byte[] bigMoof = Arrays.copyOf(stream, stream.length + 8);
        ByteBuffer.wrap(bigMoof, stream.length, 8).putInt(1 << 20).put("moof".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        e = assertThrows(Fmp4Reader.Malformed.class, () -> read(bigMoof, 4096));
        assertTrue(e.getMessage().startsWith("a 'moof' box of 1048576 bytes, over the maximum"), e.getMessage());
    }

    @Test
    void aFragmentWhoseMdatIsNotItsSampleIsRefused() {
        byte[] stream = stream(2);
        byte[] f = fragment(2, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(stream);
        // moof, then an mdat one byte longer than the sample it announces
        int moof = ByteBuffer.wrap(f).getInt(0);
        out.write(f, 0, moof);
        int mdat = f.length - moof + 1;
        out.writeBytes(ByteBuffer.allocate(8).putInt(mdat).put("mdat".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).array());
        out.write(f, moof + 8, f.length - moof - 8);
        out.write(0);
        Fmp4Reader.Malformed e = assertThrows(Fmp4Reader.Malformed.class, () -> read(out.toByteArray(), 50));
        assertTrue(e.getMessage().startsWith("an 'mdat' of "), e.getMessage());
    }

    @Test
    void aMoofWithoutItsMdatAndAnMdatWithoutAMoofAreRefused() throws Exception {
        byte[] f = fragment(1, false);
        int moof = ByteBuffer.wrap(f).getInt(0);
        byte[] init = stream(0);
        ByteArrayOutputStream twoMoofs = new ByteArrayOutputStream();
        twoMoofs.writeBytes(init);
        twoMoofs.write(f, 0, moof);
        twoMoofs.write(f, 0, moof);
        assertEquals("a 'moof' without its 'mdat'",
                assertThrows(Fmp4Reader.Malformed.class, () -> read(twoMoofs.toByteArray(), 64)).getMessage());
        ByteArrayOutputStream lone = new ByteArrayOutputStream();
        lone.writeBytes(init);
        lone.write(f, moof, f.length - moof);
        assertEquals("an 'mdat' without a 'moof'",
                assertThrows(Fmp4Reader.Malformed.class, () -> read(lone.toByteArray(), 64)).getMessage());
    }

    @Test
    void aSampleWhoseNalLengthsDoNotAddUpIsRefused() {
        byte[] s = sample(0, false);
        s[3] = (byte) (s[3] + 1); // the NAL unit claims one byte more than the sample has
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(stream(0));
        out.writeBytes(Fmp4.fragment(1, 0, 100, false, s, 0, s.length));
        Fmp4Reader.Malformed e = assertThrows(Fmp4Reader.Malformed.class, () -> read(out.toByteArray(), 64));
        assertTrue(e.getMessage().startsWith("a NAL unit of 5 bytes in a sample of 8"), e.getMessage());
    }

    @Test
    void aSecondInitSegmentIsRefused() {
        byte[] one = stream(1);
        byte[] two = Arrays.copyOf(one, one.length * 2);
        System.arraycopy(one, 0, two, one.length, one.length);
        Fmp4Reader.Malformed e = assertThrows(Fmp4Reader.Malformed.class, () -> read(two, 64));
        assertEquals("a second init segment ('ftyp') in the stream", e.getMessage());
    }

    @Test
    void aStreamCutMidFragmentIsSaidToBeInOne() throws Exception {
        byte[] stream = stream(2);
        Fmp4Reader r = new Fmp4Reader(MAX, (u, d) -> { });
        r.feed(ByteBuffer.wrap(stream, 0, stream.length - 3));
        assertTrue(r.inFragment());
        r.feed(ByteBuffer.wrap(stream, stream.length - 3, 3));
        assertFalse(r.inFragment());
    }
}
