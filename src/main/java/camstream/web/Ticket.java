package camstream.web;

import camstream.camera.Camera;
import camstream.stream.Broadcaster;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a viewer or snapshot holds while it lasts, made by a {@link Pass}: a lease on the stream it
 * asked for, and for a viewer its place under the viewer limits. {@link #release} gives them back
 * exactly once, on whichever path ends it first (the request completes, a failure before the viewer
 * started, a socket leaving the camera or closing); later calls do nothing.
 */
final class Ticket {

    private final Pass pass;
    private final Broadcaster broadcaster;
    private final Runnable giveBack;
    private final AtomicBoolean held = new AtomicBoolean(true);

    /**
     * @param broadcaster where the frames of the stream held are published
     * @param giveBack    lets go of the lease and the place; run once
     */
    Ticket(Pass pass, Broadcaster broadcaster, Runnable giveBack) {
        this.pass = pass;
        this.broadcaster = broadcaster;
        this.giveBack = giveBack;
    }

    Camera camera() {
        return pass.camera();
    }

    ViewerOptions options() {
        return pass.options();
    }

    Broadcaster broadcaster() {
        return broadcaster;
    }

    boolean held() {
        return held.get();
    }

    /** Gives back what this ticket holds, the first time; safe from any thread and more than once. */
    void release() {
        if (held.compareAndSet(true, false)) {
            giveBack.run();
        }
    }

    /**
     * Releases this ticket when {@code async} completes, however the request ends: the container
     * completes a request itself after an error or a timeout nobody answered.
     */
    void releaseOnComplete(AsyncContext async) {
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                release();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
            }

            @Override
            public void onError(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
    }
}
