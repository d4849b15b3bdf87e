package camstream.record;

import camstream.camera.Camera;
import camstream.camera.Lease;
import camstream.camera.VariantRequest;
import camstream.camera.VideoRequest;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.Viewer;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A recorder's intake: while it is wanted, a viewer of the camera's H.264 stream or of its JPEG
 * pictures as encoded for viewers, which puts each frame in a small queue for the recorder's thread.
 * A full queue drops, and counts: the camera never waits for the disk. While joined, its lease keeps
 * the camera open whoever watches. Joined and left by the recorder's thread only.
 */
final class Feed implements Viewer {

    private static final int QUEUE_MIN = 32;

    private final Camera camera;
    private final boolean video;
    private final BlockingQueue<Frame> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean gap = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean stopping;
    // The recorder thread's own.
    private Lease lease;
    private Broadcaster source;

    Feed(Camera camera, boolean video) {
        this.camera = camera;
        this.video = video;
        this.queue = new ArrayBlockingQueue<>(Math.max(QUEUE_MIN, 2 * camera.config().fps()));
    }

    /** Takes no more frames. */
    void stop() {
        stopping = true;
    }

    /** The next frame, or null when none came within {@code millis}. */
    Frame poll(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Joins the camera's stream unless joined (asking for a keyframe); true when it joined now. */
    boolean join() {
        if (lease != null) {
            return false;
        }
        lease = video ? camera.videoLease(VideoRequest.MAIN) : camera.lease(VariantRequest.MAIN);
        if (lease == null) {
            return false;
        }
        source = lease.broadcaster();
        source.add(this);
        if (video) {
            source.requestKeyframe();
        }
        return true;
    }

    /** Leaves the camera's stream, dropping what waits; true when it was joined. */
    boolean leave() {
        boolean joined = lease != null;
        if (joined) {
            source.remove(this);
            lease.release();
            lease = null;
            source = null;
        }
        queue.clear();
        return joined;
    }

    /** Whether the stream ended this viewer since last asked (the server stops, or the camera closed its viewers). */
    boolean endedByStream() {
        return ended.getAndSet(false);
    }

    /** Whether frames were dropped since last asked. */
    boolean gap() {
        return gap.getAndSet(false);
    }

    void requestKeyframe() {
        if (source != null) {
            source.requestKeyframe();
        }
    }

    /** Frames not recorded because the disk did not keep up. */
    long dropped() {
        return dropped.get();
    }

    // --- Viewer: the camera's publishing thread ---

    @Override
    public boolean offer(Frame frame) {
        if (!stopping && !queue.offer(frame)) {
            dropped.incrementAndGet();
            gap.set(true);
        }
        return false;
    }

    @Override
    public void drain() {
        // Nothing to write to a client: the recorder thread takes frames from the queue.
    }

    @Override
    public void tick(long nowNanos) {
        // Never stalls: a full queue drops.
    }

    @Override
    public void close(String why) {
        // The recorder's thread joins again if still wanted.
        ended.set(true);
    }
}
