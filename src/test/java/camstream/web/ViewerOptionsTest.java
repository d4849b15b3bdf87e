package camstream.web;

import camstream.camera.VariantRequest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The options a socket's watch request gives a camera, read as a stream URL's query is. */
class ViewerOptionsTest {

    @Test
    void readsTheQueryOfAWatchEntry() throws Exception {
        ViewerOptions o = ViewerOptions.parse("width=320&fps=2.5&quality=%36%30&other=x");
        assertEquals(2.5, o.fps());
        assertEquals(new VariantRequest(320, 0, 60), o.variant());
    }

    @Test
    void noQueryIsTheCamerasOwnPictureAtItsOwnRate() throws Exception {
        ViewerOptions o = ViewerOptions.parse("");
        assertEquals(0, o.fps());
        assertEquals(VariantRequest.MAIN, o.variant());
    }

    @Test
    void aBadValueIsNamedWithItsRange() {
        ViewerOptions.Invalid e = assertThrows(ViewerOptions.Invalid.class, () -> ViewerOptions.parse("width=9"));
        assertEquals("bad parameter width='9': a whole number of pixels from 16 to 7680", e.getMessage());
        e = assertThrows(ViewerOptions.Invalid.class, () -> ViewerOptions.parse("fps=1&fps=2"));
        assertEquals("bad parameter fps: given 2 times; give it once", e.getMessage());
        e = assertThrows(ViewerOptions.Invalid.class, () -> ViewerOptions.parse("width=%zz"));
        assertEquals("bad parameters: not URL-encoded (% must be followed by two hex digits)", e.getMessage());
    }

    @Test
    void writesItselfBackAsAQueryWithOnlyItsOwnParameters() throws Exception {
        assertEquals("fps=2.5&width=320&quality=60", ViewerOptions.parse("quality=60&other=x&width=320&fps=2.5").query());
        assertEquals("fps=10", ViewerOptions.parse("fps=10").query());
        assertEquals("", ViewerOptions.parse("").query());
    }
}
