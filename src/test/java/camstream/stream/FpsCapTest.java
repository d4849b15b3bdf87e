package camstream.stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One viewer's frame rate cap, on a clock the test sets. */
class FpsCapTest {

    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 1, (byte) 0xFF, (byte) 0xD9};
    private static final long MS = 1_000_000L;
    private static final long QUIET = 700 * MS;

    private long sequence;

    private Frame picture() {
        return new Frame(++sequence, sequence, JPEG, JPEG.length, false, Via.NONE);
    }

    private Frame placeholder() {
        return new Frame(++sequence, sequence, JPEG, JPEG.length, true, Via.NONE);
    }

    @Test
    void theFirstPictureIsDueAtOnceAndTheNextOneAPeriodLater() {
        FpsCap cap = new FpsCap(2, 0);
        assertTrue(cap.offerNow(picture(), 0));
        assertFalse(cap.offerNow(picture(), 100 * MS));
        assertFalse(cap.offerNow(picture(), 499 * MS));
        assertTrue(cap.offerNow(picture(), 500 * MS));
    }

    @Test
    void theNewestPictureThatCameMeanwhileIsDueOnceAndOnlyOnce() {
        FpsCap cap = new FpsCap(2, 0);
        cap.offerNow(picture(), 0);
        cap.offerNow(picture(), 100 * MS);
        Frame newest = picture();
        cap.offerNow(newest, 200 * MS);
        assertNull(cap.dueAt(499 * MS, QUIET), "not due yet");
        assertSame(newest, cap.dueAt(500 * MS, QUIET));
        assertNull(cap.dueAt(600 * MS, QUIET), "offered already");
        assertFalse(cap.offerNow(picture(), 700 * MS), "the next is due at 1000 ms");
    }

    @Test
    void aPictureThatCameInTimeLeavesNothingHeld() {
        FpsCap cap = new FpsCap(2, 0);
        cap.offerNow(picture(), 0);
        cap.offerNow(picture(), 100 * MS);
        assertTrue(cap.offerNow(picture(), 500 * MS), "due: offered, and it replaces the held one");
        assertNull(cap.dueAt(600 * MS, QUIET));
    }

    @Test
    void thePictureOfferedLastIsDueAgainAfterTheQuietTimeWithoutMovingTheNextNewOne() {
        FpsCap cap = new FpsCap(0.5, 0);
        Frame first = picture();
        cap.offerNow(first, 0);
        assertNull(cap.dueAt(699 * MS, QUIET));
        assertSame(first, cap.dueAt(700 * MS, QUIET), "a keep-alive");
        assertNull(cap.dueAt(1300 * MS, QUIET), "the quiet time counts from the keep-alive");
        assertSame(first, cap.dueAt(1400 * MS, QUIET));
        assertFalse(cap.offerNow(picture(), 1500 * MS));
        Frame held = picture();
        cap.offerNow(held, 1900 * MS);
        assertSame(held, cap.dueAt(2000 * MS, QUIET), "due 2 s after the first, keep-alives or not");
    }

    @Test
    void aViewerThatWasOfferedNothingYetHasNothingToKeepAlive() {
        FpsCap cap = new FpsCap(1, 0);
        assertNull(cap.dueAt(5000 * MS, QUIET));
    }

    @Test
    void aPlaceholderAndThePicturesAfterItAreNewsOfferedAtOnce() {
        FpsCap cap = new FpsCap(0.2, 0);
        cap.offerNow(picture(), 0);
        assertTrue(cap.offerNow(placeholder(), 100 * MS), "a placeholder after pictures");
        assertFalse(cap.offerNow(placeholder(), 200 * MS), "another placeholder is not news");
        assertTrue(cap.offerNow(picture(), 300 * MS), "pictures after a placeholder");
        assertFalse(cap.offerNow(picture(), 400 * MS));
    }

    @Test
    void aCameraFasterThanTheCapGivesExactlyTheCapNotALittleLess() {
        FpsCap cap = new FpsCap(10, 0);
        int offered = 0;
        // A 30 fps camera for 10 s: a due time rarely falls on a frame, so each new picture is a little late.
        for (long t = 0; t < 10_000 * MS; t += 33 * MS) {
            if (cap.offerNow(picture(), t)) {
                offered++;
            }
        }
        assertEquals(100, offered);
    }

    @Test
    void aPictureLateByMoreThanAPeriodStartsTheGridAgainInsteadOfCatchingUp() {
        FpsCap cap = new FpsCap(1, 0);
        cap.offerNow(picture(), 0);
        assertTrue(cap.offerNow(picture(), 5000 * MS));
        assertFalse(cap.offerNow(picture(), 5100 * MS), "no burst for the pictures the camera did not send");
        assertTrue(cap.offerNow(picture(), 6000 * MS));
    }
}
