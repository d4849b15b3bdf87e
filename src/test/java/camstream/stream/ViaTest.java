package camstream.stream;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ViaTest {

    private final Via.Server here = new Via.Server("1f3a9c0e", "10.0.0.5:8080/camstream");
    private final Via.Server there = new Via.Server("7b20d4aa", "cam2.local/relay");

    @Test
    void aPathReadsBackFromItsHeaderHopForHop() {
        Via via = Via.of(here.hop("front")).then(Via.of(there.hop("lobby")));
        assertEquals("1f3a9c0e/front 10.0.0.5:8080/camstream, 7b20d4aa/lobby cam2.local/relay", via.value());
        assertEquals(via.hops(), Via.parse(via.value()).hops());
    }

    @Test
    void aCameraIsKnownByItsCamstreamsIdAndItsOwnNotByTheLabel() {
        Via via = Via.of(here.hop("front"));
        assertTrue(via.passedThrough(new Via.Hop("1f3a9c0e", "front", "another name")));
        assertFalse(via.passedThrough(here.hop("back")));
        assertFalse(via.passedThrough(there.hop("front")), "the same camera id in another camstream");
        assertFalse(via.passedThrough(Via.Server.start("10.0.0.5:8080/camstream").hop("front")),
                "the same camstream after a restart");
        assertNotEquals(Via.Server.start("x").instance(), Via.Server.start("x").instance());
    }

    @Test
    void whatIsNoHopIsLeftOutAndNoPathAtAllIsNone() {
        assertSame(Via.NONE, Via.parse(null));
        assertSame(Via.NONE, Via.parse(" "));
        assertSame(Via.NONE, Via.parse("1.1 proxy.example"));
        Via via = Via.parse("garbage, 1f3a9c0e/front, bad id/x y, 7b20d4aa/lobby cam2.local/relay");
        assertEquals(List.of(new Via.Hop("1f3a9c0e", "front", "camstream"), there.hop("lobby")), via.hops());
    }

    @Test
    void aLabelIsVisibleAsciiWithoutCommasAndShort() {
        Via.Server odd = Via.Server.start("caf\u00e9, bar\tbaz/" + "x".repeat(100));
        assertEquals("caf___bar_baz/" + "x".repeat(26), odd.label());
        assertEquals(Via.MAX_LABEL, odd.label().length());
    }

    @Test
    void aLoopIsNamedInWordsFromTheCameraItCameBackTo() {
        Via came = Via.of(here.hop("x")).then(Via.of(there.hop("y"))).then(Via.of(here.hop("z")));
        assertEquals("camera 'x' → camera 'y' at cam2.local/relay → camera 'z' → camera 'x'",
                came.describeLoop(here.hop("x")));
        assertEquals(List.of(there.hop("y"), here.hop("z"), here.hop("x")), came.loopTo(here.hop("x")).hops());
    }

    @Test
    void theLoopAPlaceholderCarriesTellsTheNextCameraOfTheLoopThatItIsInIt() {
        Via.Hop x = here.hop("x");
        Via.Hop y = here.hop("y");
        Via atX = Via.of(x).then(Via.of(y));
        Via placeholderOfX = atX.loopTo(x);
        assertTrue(placeholderOfX.passedThrough(y));
        assertEquals("camera 'y' → camera 'x' → camera 'y'", placeholderOfX.describeLoop(y));
        Via placeholderOfY = placeholderOfX.loopTo(y);
        assertEquals("camera 'x' → camera 'y' → camera 'x'", placeholderOfY.describeLoop(x));
        assertEquals(2, placeholderOfY.loopTo(x).size(), "it does not grow as it goes round");
    }
}
