package camstream.camera;

import camstream.stream.Broadcaster;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One viewer's or snapshot's hold on a stream of a camera: the main one, or a variant that is made
 * for as long as anyone holds it. {@link #release} once the viewer or snapshot has ended.
 */
public final class Lease {

    private final Broadcaster broadcaster;
    private final Runnable onRelease;
    private final AtomicBoolean released = new AtomicBoolean();

    Lease(Broadcaster broadcaster, Runnable onRelease) {
        this.broadcaster = broadcaster;
        this.onRelease = onRelease;
    }

    /** Where this stream's frames are published. */
    public Broadcaster broadcaster() {
        return broadcaster;
    }

    /** Lets go; the last release of a variant drops it. Safe from any thread and more than once. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            onRelease.run();
        }
    }
}
