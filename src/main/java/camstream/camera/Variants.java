package camstream.camera;

import camstream.stream.Broadcaster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The streams of one camera: its main stream, its H.264 stream, and the variants of either someone
 * holds a {@link Lease} on (JPEG: another size or quality; H.264: another size or a lower frame
 * rate). Each distinct request has one broadcaster, made when the first viewer asks for it and
 * dropped when the last one lets go, and at most {@code max} variants of both kinds exist at once,
 * so that clients cannot make the server encode any number of streams.
 */
final class Variants {

    private static final Logger LOG = Logger.getLogger(Variants.class.getName());

    /** A variant in use. Its size is written by the capture thread, read by the watchdog and status. */
    static final class Variant {
        /** As first asked for, for {@code /status} and messages. */
        final VariantRequest request;
        final Broadcaster broadcaster;
        /** Its last picture's size, packed by {@link VariantRequest#pack}; 0 before the first. */
        volatile long size;
        /** Leases held; guarded by the registry's lock. */
        int holders;

        Variant(VariantRequest request, Broadcaster broadcaster) {
            this.request = request;
            this.broadcaster = broadcaster;
        }
    }

    /** An H.264 variant in use; its size is written by its encoder, read by status. */
    static final class VideoVariant {
        final VideoRequest request;
        final Broadcaster broadcaster;
        /** Leases held; guarded by the registry's lock. */
        int holders;

        VideoVariant(VideoRequest request, Broadcaster broadcaster) {
            this.request = request;
            this.broadcaster = broadcaster;
        }
    }

    private final String camera;
    private final Broadcaster main;
    /** The camera's H.264 stream, at the main stream's size. */
    private final Broadcaster video;
    private final int quality;
    private final int max;
    private final Object lock = new Object();
    // Guarded by lock.
    private final Map<VariantRequest, Variant> byRequest = new LinkedHashMap<>();
    /** A copy of the variants in use, for the capture thread and the watchdog to walk without the lock. */
    private volatile List<Variant> active = List.of();
    // Guarded by lock.
    private final Map<VideoRequest, VideoVariant> videoByRequest = new LinkedHashMap<>();
    /** A copy of the H.264 variants in use, for the capture thread and the watchdog. */
    private volatile List<VideoVariant> videoActive = List.of();

    /**
     * @param quality the main stream's quality: a request for it is not a variant
     * @param max     variants at most at once
     */
    Variants(String camera, Broadcaster main, int quality, int max) {
        this.camera = camera;
        this.main = main;
        this.video = main.sibling();
        this.quality = quality;
        this.max = max;
    }

    int max() {
        return max;
    }

    Broadcaster main() {
        return main;
    }

    /** The H.264 stream. */
    Broadcaster video() {
        return video;
    }

    /** The H.264 variants in use. */
    List<VideoVariant> videoActive() {
        return videoActive;
    }

    /** The H.264 stream (first) and each H.264 variant in use. */
    List<Broadcaster> videos() {
        List<VideoVariant> variants = videoActive;
        if (variants.isEmpty()) {
            return List.of(video);
        }
        List<Broadcaster> all = new ArrayList<>(variants.size() + 1);
        all.add(video);
        for (VideoVariant v : variants) {
            all.add(v.broadcaster);
        }
        return all;
    }

    /** The main stream (first), each variant in use, and the H.264 streams: every viewer of the camera is in one. */
    List<Broadcaster> all() {
        List<Variant> variants = active;
        List<Broadcaster> all = new ArrayList<>(variants.size() + 2);
        all.add(main);
        for (Variant v : variants) {
            all.add(v.broadcaster);
        }
        all.addAll(videos());
        return all;
    }

    /** True while anyone wants pictures of the camera: of the main stream, a variant or an H.264 stream. */
    boolean hasDemand() {
        return main.hasDemand() || !active.isEmpty() || video.hasDemand() || !videoActive.isEmpty();
    }

    /** True while anyone wants pictures made from the camera's pictures: all but the H.264 stream itself. */
    boolean hasPictureDemand() {
        return main.hasDemand() || !active.isEmpty() || !videoActive.isEmpty();
    }

    List<Variant> active() {
        return active;
    }

    boolean any() {
        return !active.isEmpty();
    }

    /**
     * A hold on the stream for {@code request}, given that the main stream's pictures are
     * {@code size} (packed; 0 when not known yet): the main stream itself when the request asks for
     * nothing it does not already have. Null when it would be a new variant and {@code max} are in use.
     */
    Lease lease(VariantRequest request, long size) {
        VariantRequest r = normalized(request, size);
        if (r.equals(VariantRequest.MAIN)) {
            return new Lease(main, () -> { });
        }
        Variant v;
        synchronized (lock) {
            v = find(r, size);
            if (v == null) {
                if (byRequest.size() + videoByRequest.size() >= max) {
                    return null;
                }
                v = new Variant(r, main.sibling());
                byRequest.put(r, v);
                active = List.copyOf(byRequest.values());
                LOG.fine(() -> "Camera '" + camera + "': variant " + r.describe() + " made");
            }
            v.holders++;
        }
        Variant held = v;
        return new Lease(v.broadcaster, () -> release(held));
    }

    /**
     * A hold on the H.264 stream for {@code request}, given that the pictures are {@code size} (packed;
     * 0 when not known yet) at {@code fps}: the H.264 stream itself when the request asks for nothing it
     * does not already have. Null when it would be a new variant and {@code max} are in use.
     */
    Lease leaseVideo(VideoRequest request, long size, double fps) {
        int w = size == 0 || request.maxWidth() < VariantRequest.width(size) ? request.maxWidth() : 0;
        int h = size == 0 || request.maxHeight() < VariantRequest.height(size) ? request.maxHeight() : 0;
        VideoRequest r = new VideoRequest(w, h, request.fps() >= fps ? 0 : request.fps());
        if (r.equals(VideoRequest.MAIN)) {
            return new Lease(video, () -> { });
        }
        VideoVariant v;
        synchronized (lock) {
            v = videoByRequest.get(r);
            if (v == null && size != 0) {
                long out = r.fit(size);
                for (VideoVariant other : videoByRequest.values()) {
                    if (other.request.fit(size) == out && Double.compare(other.request.fps(), r.fps()) == 0) {
                        v = other;
                        break;
                    }
                }
            }
            if (v == null) {
                if (byRequest.size() + videoByRequest.size() >= max) {
                    return null;
                }
                v = new VideoVariant(r, main.sibling());
                videoByRequest.put(r, v);
                videoActive = List.copyOf(videoByRequest.values());
                LOG.fine(() -> "Camera '" + camera + "': H.264 variant " + r.describe() + " made");
            }
            v.holders++;
        }
        VideoVariant held = v;
        return new Lease(v.broadcaster, () -> releaseVideo(held));
    }

    private void releaseVideo(VideoVariant v) {
        synchronized (lock) {
            if (--v.holders > 0) {
                return;
            }
            videoByRequest.remove(v.request);
            videoActive = List.copyOf(videoByRequest.values());
        }
        LOG.fine(() -> "Camera '" + camera + "': H.264 variant " + v.request.describe() + " dropped, nobody watches it");
    }

    /** The requests in use, as their queries; H.264 ones with {@code .mp4?} before them. */
    List<String> inUse() {
        List<String> all = new ArrayList<>();
        active.forEach(v -> all.add(v.request.describe()));
        videoActive.forEach(v -> all.add(".mp4?" + v.request.describe()));
        return all;
    }

    private void release(Variant v) {
        synchronized (lock) {
            if (--v.holders > 0) {
                return;
            }
            byRequest.remove(v.request);
            active = List.copyOf(byRequest.values());
        }
        LOG.fine(() -> "Camera '" + camera + "': variant " + v.request.describe() + " dropped, nobody watches it");
    }

    /** Leaves out what the main stream has already: a size it is within, its quality. */
    private VariantRequest normalized(VariantRequest r, long size) {
        int w = size == 0 || r.maxWidth() < VariantRequest.width(size) ? r.maxWidth() : 0;
        int h = size == 0 || r.maxHeight() < VariantRequest.height(size) ? r.maxHeight() : 0;
        int q = r.quality() == quality ? 0 : r.quality();
        return new VariantRequest(w, h, q);
    }

    /**
     * The variant in use that {@code r} asks for: the same request, or, once the picture's size is
     * known, one that comes out at the same size and quality. Under the lock.
     */
    private Variant find(VariantRequest r, long size) {
        Variant same = byRequest.get(r);
        if (same != null || size == 0) {
            return same;
        }
        VariantRequest out = outcome(r, size);
        for (Variant v : byRequest.values()) {
            if (outcome(v.request, size).equals(out)) {
                return v;
            }
        }
        return null;
    }

    /**
     * Once the picture's size is known, the size {@code r} comes out at: {@code width=120} and
     * {@code height=90} of a 640x480 camera are one variant, 120x90.
     */
    private static VariantRequest outcome(VariantRequest r, long size) {
        if (size == 0 || r.maxWidth() == 0 && r.maxHeight() == 0) {
            return r;
        }
        long out = r.fit(size);
        return new VariantRequest(VariantRequest.width(out), VariantRequest.height(out), r.quality());
    }
}
