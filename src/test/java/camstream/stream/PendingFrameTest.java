package camstream.stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A viewer's pending frame: the newest one put is the one taken, however it was held. */
class PendingFrameTest {

    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 1, (byte) 0xFF, (byte) 0xD9};

    private final Broadcaster source = new Broadcaster(Runnable::run, () -> { });
    private final PendingFrame pending = new PendingFrame(source, 0);

    private Frame publish() {
        return source.publish(JPEG, JPEG.length, System.currentTimeMillis() * 1000, false);
    }

    @Test
    void takesTheSourcesNewestFrameOnce() {
        assertTrue(pending.isEmpty());
        Frame f = publish();
        assertFalse(pending.put(f));
        assertFalse(pending.isEmpty());
        assertSame(f, pending.take());
        assertTrue(pending.isEmpty());
        assertNull(pending.take());
    }

    @Test
    void aNewerFrameReplacesOneNeverTaken() {
        Frame first = publish();
        assertFalse(pending.put(first));
        Frame second = publish();
        assertTrue(pending.put(second), "the first was skipped");
        assertSame(second, pending.take());
    }

    @Test
    void aFrameThatIsNotTheSourcesNewestIsHeldItself() {
        Frame f = publish();
        Frame repeat = f.again(f.sequence() + 1);
        assertFalse(pending.put(repeat));
        assertSame(repeat, pending.take());
    }

    @Test
    void theLastPutWinsWhicheverWayEachWasHeld() {
        Frame f = publish();
        Frame repeat = f.again(f.sequence() + 1);
        pending.put(f);
        assertTrue(pending.put(repeat));
        assertSame(repeat, pending.take());
        assertTrue(pending.isEmpty());

        pending.put(repeat);
        Frame newer = publish();
        assertTrue(pending.put(newer));
        assertSame(newer, pending.take());
        assertTrue(pending.isEmpty());
    }

    @Test
    void aFramePublishedAfterThePutIsTakenInstead() {
        pending.put(publish());
        Frame newer = publish();
        assertSame(newer, pending.take(), "never older than the one put; newer is better");
    }

    @Test
    void aCappedViewersFrameIsHeldItselfSoANewerOneItsCapHoldsBackIsNotTakenInstead() {
        PendingFrame capped = new PendingFrame(source, 1);
        Frame offered = publish();
        assertFalse(capped.put(offered));
        publish(); // not offered: the cap holds it back
        assertSame(offered, capped.take());
        assertTrue(capped.isEmpty());
    }

    @Test
    void clearLeavesNothing() {
        pending.put(publish());
        pending.clear();
        assertTrue(pending.isEmpty());
        assertNull(pending.take());
    }
}
