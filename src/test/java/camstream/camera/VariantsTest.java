package camstream.camera;

import camstream.stream.Broadcaster;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Which requests are the same variant, and the limit on how many a camera makes. */
class VariantsTest {

    private static final long VGA = VariantRequest.pack(640, 480);

    private final Broadcaster main = new Broadcaster(Runnable::run, () -> { });
    private final Variants variants = new Variants("cam", main, 80, 1);

    @Test
    void aWidthAndAHeightThatComeOutTheSameSizeAreOneVariant() {
        Lease byWidth = variants.lease(new VariantRequest(120, 0, 0), VGA);
        Lease byHeight = variants.lease(new VariantRequest(0, 90, 0), VGA);
        assertNotNull(byHeight, "not a second variant: the limit is 1");
        assertSame(byWidth.broadcaster(), byHeight.broadcaster());
        assertEquals("width=120", variants.inUse().get(0), "shown as first asked for");
    }

    @Test
    void aSizeTheCameraIsWithinAndItsOwnQualityAreTheMainStream() {
        assertSame(main, variants.lease(new VariantRequest(1920, 0, 80), VGA).broadcaster());
        assertEquals(0, variants.active().size());
    }

    @Test
    void anotherSizeBeyondTheLimitIsRefusedUntilTheFirstIsLetGo() {
        Lease small = variants.lease(new VariantRequest(120, 0, 0), VGA);
        assertNull(variants.lease(new VariantRequest(320, 0, 0), VGA));
        small.release();
        assertNotNull(variants.lease(new VariantRequest(320, 0, 0), VGA));
    }

    @Test
    void aVariantAskedForBeforeThePictureSizeWasKnownIsFoundAgainAfter() {
        Lease early = variants.lease(new VariantRequest(160, 0, 0), 0);
        assertSame(early.broadcaster(), variants.lease(new VariantRequest(160, 0, 0), VGA).broadcaster());
        assertSame(early.broadcaster(), variants.lease(new VariantRequest(0, 120, 0), VGA).broadcaster());
    }
}
