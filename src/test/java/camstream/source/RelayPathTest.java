package camstream.source;

import camstream.stream.Via;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayPathTest {

    private static final String UPSTREAM = "http://10.0.0.7:8080/camstream/stream/y";
    private final Via.Server here = new Via.Server("1f3a9c0e", "10.0.0.5:8080/camstream");
    private final RelayPath x = new RelayPath(here.hop("x"), UPSTREAM);

    @Test
    void aPictureFromElsewhereIsShownWithItsPath() throws SourceException {
        Via other = Via.of(new Via.Hop("7b20d4aa", "y", "10.0.0.7:8080/camstream"));
        Via path = x.check(other.value());
        assertEquals(other.hops(), path.hops());
        assertSame(path, x.check(other.value()), "read once for a stream whose pictures all came the same way");
        assertSame(Via.NONE, x.check(null), "an upstream that says nothing");
    }

    @Test
    void aPictureThatPassedThroughThisCameraIsARelayLoopNamedInWords() {
        Via came = Via.of(here.hop("x")).then(Via.of(here.hop("y")));
        RelayLoop e = assertThrows(RelayLoop.class, () -> x.check(came.value()));
        assertEquals("relay loop: camera 'x' → camera 'y' → camera 'x'", e.getMessage());
        assertEquals(List.of(here.hop("y"), here.hop("x")), e.path().hops());
    }

    @Test
    void aPictureThatPassedThroughTheMostCamstreamsGoesNoFurther() {
        Via came = Via.NONE;
        for (int i = 0; i < Via.MAX_HOPS; i++) {
            came = came.then(Via.of(new Via.Hop("a" + i, "cam", "host" + i)));
        }
        String header = came.value();
        SourceException e = assertThrows(SourceException.class, () -> x.check(header));
        assertTrue(e.getMessage().startsWith(UPSTREAM + " sends pictures that passed through 8 camstreams, the most a"
                + " relay takes: camera 'cam' at host0 → "), e.getMessage());
        assertTrue(e.getMessage().endsWith("camera 'cam' at host7 → camera 'x'"), e.getMessage());
    }

    @Test
    void theLongestPathARelaySendsOnFitsTheHeaderLineTheParserKeeps() {
        // The longest ids a header may carry, and a label cut to its longest.
        Via hop = Via.parse("0123456789abcdef/" + "c".repeat(64) + " " + "l".repeat(100));
        Via came = Via.NONE;
        for (int i = 0; i < Via.MAX_HOPS; i++) {
            came = came.then(hop);
        }
        String line = Via.HEADER + ": " + came.value() + "\r";
        assertTrue(line.length() < MultipartParser.MAX_LINE, line.length() + " bytes");
    }

    @Test
    void aCameraAskedForItsOwnStreamSaysSo() {
        assertEquals("relay loop: camera 'x' → camera 'x' (" + UPSTREAM + " is this camera's own stream)",
                x.loopDetected().getMessage());
        assertEquals("1f3a9c0e/x 10.0.0.5:8080/camstream", x.request());
    }
}
