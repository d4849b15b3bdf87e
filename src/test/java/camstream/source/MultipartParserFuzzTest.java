package camstream.source;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link MultipartParser} with Jazzer. {@code mvn verify} fuzzes it for
 * a bounded time ({@code JAZZER_FUZZ=1} in the pom, {@link #MAX_DURATION}); README says how to run it
 * longer. Without {@code JAZZER_FUZZ} it only replays the inputs under
 * src/test/resources/camstream/source/MultipartParserFuzzTestInputs.
 *
 * <p>The input's first byte chooses how the rest is split into reads (1 to 64 bytes) and whether the
 * boundary comes from the header or from the first delimiter line; the rest is the body of the stream.
 */
class MultipartParserFuzzTest {

    static final String MAX_DURATION = "30s";
    private static final int MAX = 4096;

    @FuzzTest(maxDuration = MAX_DURATION)
    @DictionaryEntries({"--", "--b", "--b--", "Content-Type: image/jpeg", "Content-Type: text/plain",
            "Content-Length: ", "X-Timestamp: ", "image/pjpeg"})
    void anyBytesSplitAnywhereNeitherThrowNorGrowTheBuffer(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = 1 + (input[0] & 0x3F);
        String boundary = (input[0] & 0x40) == 0 ? "b" : null;
        MultipartParser p = new MultipartParser(boundary, MAX, (jpeg, ts, via) ->
                assertTrue(PartValues.isWholeJpeg(jpeg, jpeg.length) && jpeg.length <= MAX,
                        "handed over " + jpeg.length + " bytes that are not a whole JPEG of at most " + MAX));
        for (int i = 1; i < input.length; i += chunk) {
            p.feed(input, i, Math.min(chunk, input.length - i));
            assertTrue(p.bufferCapacity() <= MAX + 512, "buffer grew to " + p.bufferCapacity());
        }
    }
}
