package camstream.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ByteRangeTest {

    @Test
    void aRangeFromAByteToAnotherIsCutToTheFileLength() {
        assertEquals(new ByteRange(100, 199), ByteRange.parse("bytes=100-199", 1000));
        assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=900-5000", 1000));
        assertEquals("bytes 900-999/1000", ByteRange.parse("bytes=900-5000", 1000).contentRange(1000));
    }

    @Test
    void anOpenRangeRunsToTheEndAndASuffixTakesTheLastBytes() {
        assertEquals(new ByteRange(10, 999), ByteRange.parse("bytes=10-", 1000));
        assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=-100", 1000));
        assertEquals(new ByteRange(0, 999), ByteRange.parse("bytes=-5000", 1000));
    }

    @Test
    void aRangeStartingAtOrPastTheEndIsUnsatisfiable() {
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=1000-", 1000));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-0", 1000));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=0-", 0));
        assertEquals("bytes */1000", ByteRange.UNSATISFIABLE.contentRange(1000));
    }

    @Test
    void severalRangesOrOnesThatDoNotParseAreIgnoredSoTheWholeFileIsSent() {
        assertNull(ByteRange.parse(null, 1000));
        assertNull(ByteRange.parse("bytes=0-1,5-6", 1000));
        assertNull(ByteRange.parse("bytes=9-2", 1000));
        assertNull(ByteRange.parse("items=0-1", 1000));
        assertNull(ByteRange.parse("bytes=-", 1000));
        assertNull(ByteRange.parse("bytes=99999999999999999999-", 1000));
    }
}
