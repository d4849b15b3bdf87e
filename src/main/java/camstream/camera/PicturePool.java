package camstream.camera;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The pictures the capture thread reads into: each goes back here once it and its encodes are done
 * ({@link Picture#release}), so only a few are ever made. Taken by the capture thread only; encoders
 * give pictures back from their threads.
 */
final class PicturePool {

    private final Queue<Picture> free = new ConcurrentLinkedQueue<>();
    private final List<Picture> made = new ArrayList<>();

    /** A picture to read the next image into. */
    Picture next() {
        Picture p = free.poll();
        if (p == null) {
            p = new Picture(free);
            made.add(p);
        }
        return p.take();
    }

    /** Pictures made so far. */
    int made() {
        return made.size();
    }

    /** Frees every picture once no one holds it. */
    void discard() {
        for (Picture p : made) {
            p.discard();
        }
    }
}
