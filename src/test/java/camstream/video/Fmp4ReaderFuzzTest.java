package camstream.video;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link Fmp4Reader} with Jazzer, as {@code MultipartParserFuzzTest} fuzzes the
 * MJPEG parser: bounded in {@code mvn verify}, replaying the inputs under
 * src/test/resources/camstream/video/Fmp4ReaderFuzzTestInputs otherwise (a valid stream to mutate from).
 *
 * <p>The input's first byte chooses how the rest is split into reads (1 to 64 bytes); the rest is the stream.
 */
class Fmp4ReaderFuzzTest {

    static final String MAX_DURATION = "30s";
    private static final int MAX = 4096;

    @FuzzTest(maxDuration = MAX_DURATION)
    @DictionaryEntries({"ftyp", "moov", "trak", "mdia", "minf", "stbl", "stsd", "avc1", "avc3", "avcC", "moof",
            "traf", "trun", "mdat", "free"})
    void anyBytesSplitAnywhereEndAsFramesOrAsMalformed(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = 1 + (input[0] & 0x3F);
        Fmp4Reader r = new Fmp4Reader(MAX, (unit, duration) -> {
            assertTrue(unit.bytes() <= MAX && !unit.nals().isEmpty(), "handed over a sample of " + unit.bytes() + " bytes");
            for (byte[] nal : unit.nals()) {
                assertTrue(nal.length >= 1 && nal.length <= MAX, "a NAL unit of " + nal.length + " bytes");
            }
            assertTrue(duration >= 0, "a negative duration");
        });
        try {
            for (int i = 1; i < input.length; i += chunk) {
                r.feed(ByteBuffer.wrap(input, i, Math.min(chunk, input.length - i)));
            }
        } catch (Fmp4Reader.Malformed e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), "a Malformed without a reason");
        }
    }
}
