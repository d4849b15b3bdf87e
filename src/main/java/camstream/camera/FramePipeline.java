package camstream.camera;

import camstream.config.CameraConfig;
import camstream.config.Pixels;
import camstream.encode.JpegSize;
import camstream.encode.Pictures;
import camstream.source.FrameSource;
import camstream.source.SourceException;
import camstream.stream.Broadcaster;
import camstream.stream.Via;
import camstream.video.AccessUnit;
import camstream.video.Codec;
import org.opencv.core.Mat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What happens to each picture after it was read: on the capture thread, converted and transformed
 * once (rotate, flip, overlay); then, on the {@link EncodePool}, encoded once for the main stream if
 * anyone watches it and once for each distinct size and quality the variants in use ask for (variants
 * that come out alike share one encode), each JPEG published to every stream that asked for it. The
 * outputs of one picture are encoded in parallel, each output newest-wins ({@link EncodeSlot}). While
 * anyone watches the H.264 stream, each picture is also encoded once to H.264 ({@link VideoSlot}).
 * Called by the capture thread only; {@link #close} frees its pictures once no encode uses them.
 */
final class FramePipeline implements AutoCloseable {

    private final String camera;
    private final int quality;
    private final Broadcaster main;
    private final Variants variants;
    private final Transform transform;
    private final boolean dropDuplicates;
    private final CameraCounters counters;
    private final EncodePool pool;
    private final Runnable onRoom;
    private final Clock clock;
    private final JpegSlot.Publisher publisher = this::publish;
    /** The H.264 stream's encoder; used by the capture thread and the watchdog. */
    private final VideoSlot video;
    /** The encoders of the H.264 variants in use, made by whichever thread first needs one. */
    private final Map<Broadcaster, VideoSlot> videoVariants = new ConcurrentHashMap<>();
    private final CameraConfig cfg;
    private final PicturePool pictures = new PicturePool();
    /** One slot per output size and quality in use, kept from picture to picture. */
    private final Map<Long, JpegSlot> slots = new HashMap<>();
    private final Map<JpegSlot, List<Broadcaster>> outputs = new HashMap<>();
    /** A copy of the slots, for the watchdog to walk. */
    private volatile List<EncodeSlot> slotList = List.of();
    /** Size of the last transformed picture, packed by {@link VariantRequest#pack}; 0 before the first. */
    private volatile long size;
    private final long configuredSize;
    /** The camera's own H.264, passed through; made at its first access unit. Capture thread only. */
    private PassthroughVideo passthrough;
    /** Whether a camera's own H.264 may pass through: nothing in its settings changes its pictures. */
    private final boolean videoAsIs;
    /** The H.264 stream's fragments, from its encoder or the camera's own. */
    private final VideoFragments mainFragments;
    /** An upstream camstream's H.264 passes through to the H.264 stream: it is never encoded from pictures here. */
    private volatile boolean videoRelayed;
    /** The camera's motion detection, handed a picture a few times a second. */
    private MotionTap motion = MotionTap.OFF;
    // The last upstream path passed through and that path with this camera's hop: the same for every picture of a relay.
    private Via upstream;
    private Via relayed;

    /**
     * @param onRoom told, on an encoder thread, when an output can take a picture again ({@link #hasRoom})
     */
    FramePipeline(CameraConfig cfg, Broadcaster main, Variants variants, CameraCounters counters, EncodePool pool,
                  Runnable onRoom, Clock clock) {
        this.camera = cfg.id();
        this.onRoom = onRoom;
        this.clock = clock;
        this.configuredSize = Transform.swapsSides(cfg.processing()) ? VariantRequest.pack(cfg.height(), cfg.width())
                : VariantRequest.pack(cfg.width(), cfg.height());
        this.quality = cfg.quality();
        this.main = main;
        this.variants = variants;
        this.transform = Transform.of(cfg.processing());
        this.dropDuplicates = cfg.processing().dropDuplicates();
        this.counters = counters;
        this.pool = pool;
        this.cfg = cfg;
        this.mainFragments = new VideoFragments(variants.video());
        this.videoAsIs = !Pixels.needed(cfg);
        this.video = new VideoSlot(cfg, mainFragments, variants.video(), VideoRequest.MAIN, pool, counters, onRoom, clock);
    }

    /** The H.264 stream's encoder. */
    VideoSlot video() {
        return video;
    }

    /** From now on the H.264 stream is an upstream camstream's, passed through; its encoder makes only placeholders. */
    void relayVideo() {
        videoRelayed = true;
    }

    /** From now on a few pictures a second go to {@code m}, whether anyone watches or not. */
    void detectMotion(MotionTap m) {
        motion = m;
    }

    /** Whether pictures are to be encoded by {@code slot} now: someone watches its stream, and it is made here. */
    private boolean encodes(VideoSlot slot) {
        return slot.broadcaster().hasDemand() && !slot.bypassed() && !(videoRelayed && slot == video);
    }

    /**
     * Hands on an access unit of a camera that sends coded video: H.264 passes through to the camera's
     * H.264 stream as it came while anyone watches it (the stream's encoder then rests); H.265, which
     * browsers seldom play, and the video of a camera whose pictures are turned or overlaid go to that
     * stream only decoded and encoded again, through {@link #process}. A keyframe this camera encoded
     * itself that comes back from {@code source} ends the session: relays make a loop.
     */
    void publishVideo(AccessUnit unit, long captureMicros, String source) throws SourceException {
        boolean h264 = passesThrough(unit.codec());
        if (h264 != video.bypassed()) {
            video.bypass(h264);
        }
        if (h264 && variants.video().hasDemand()) {
            if (passthrough == null) {
                passthrough = new PassthroughVideo(camera, cfg.fps(), mainFragments);
            }
            if (!passthrough.publish(unit, captureMicros)) {
                throw new SourceException("relay loop: camera '" + camera + "' receives its own H.264 back from " + source);
            }
            counters.passedThrough.incrementAndGet();
        }
    }

    /**
     * Takes the newest picture a source that sends coded video decoded, if one came, through {@link #process}
     * unless the encoders are behind. Capture thread only.
     */
    void processDecoded(FrameSource source, long captureMicros) {
        Picture picture = nextPicture();
        try {
            if (!source.readDecoded(picture.image())) {
                return;
            }
            counters.decoded.incrementAndGet();
            if (!hasRoom()) {
                counters.droppedEncodes.incrementAndGet();
                return;
            }
            Picture handed = picture;
            picture = null;
            process(handed, captureMicros, false);
        } finally {
            if (picture != null) {
                picture.release();
            }
        }
    }

    /** The camera's coded video stopped (its session ended): placeholders go to the H.264 stream through its encoder. */
    void endVideo() {
        video.bypass(false);
    }

    /**
     * The encoders of every H.264 stream in use, the camera's own first; those of variants nobody holds
     * any more are closed. Capture thread and watchdog.
     */
    List<VideoSlot> videos() {
        List<Variants.VideoVariant> active = variants.videoActive();
        if (active.isEmpty() && videoVariants.isEmpty()) {
            return List.of(video);
        }
        List<VideoSlot> all = new ArrayList<>(active.size() + 1);
        all.add(video);
        for (Variants.VideoVariant v : active) {
            all.add(videoVariants.computeIfAbsent(v.broadcaster,
                    b -> new VideoSlot(cfg, b, v.request, pool, counters, onRoom, clock)));
        }
        if (videoVariants.size() > active.size()) {
            videoVariants.values().removeIf(slot -> {
                if (all.contains(slot)) {
                    return false;
                }
                slot.close();
                return true;
            });
        }
        return all;
    }

    /** A picture to read the next image into; {@link #process} or {@link Picture#release} gives it back. */
    Picture nextPicture() {
        return pictures.next();
    }

    /**
     * Whether a picture handed now would be encoded for at least one output without dropping one that
     * waits: otherwise converting and transforming it is work for nothing. Capture thread only.
     */
    boolean hasRoom() {
        boolean any = false;
        for (JpegSlot slot : slots.values()) {
            if (slot.hasRoom()) {
                return true;
            }
            any = true;
        }
        for (VideoSlot slot : videos()) {
            if (encodes(slot)) {
                if (slot.hasRoom()) {
                    return true;
                }
                any = true;
            }
        }
        return !any;
    }

    /** {@link Clock#nanoTime} when the oldest encode under way began, or 0 when none is: for a stuck encoder. Any thread. */
    long encodingSince() {
        long oldest = video.encodingSince();
        for (VideoSlot slot : videoVariants.values()) {
            long since = slot.encodingSince();
            if (since != 0 && (oldest == 0 || since - oldest < 0)) {
                oldest = since;
            }
        }
        for (EncodeSlot slot : slotList) {
            long since = slot.encodingSince();
            if (since != 0 && (oldest == 0 || since - oldest < 0)) {
                oldest = since;
            }
        }
        return oldest;
    }

    /** Frees every H.264 encoder once no encode runs; no more H.264 pictures are encoded. */
    void closeVideos() {
        video.close();
        videoVariants.values().forEach(EncodeSlot::close);
    }

    /** Pictures made so far: each is read into again once its encodes are done, so this stays small. */
    int picturesMade() {
        return pictures.made();
    }

    /**
     * Whether a picture must be decoded to pixels: a transform is set, a variant is being made, or
     * someone watches the H.264 stream, or motion detection takes a picture now (a few a second: the
     * others pass through undecoded). A source that yields ready JPEG bytes can otherwise
     * {@link #publishAsIs} them.
     */
    boolean needsPixels() {
        return picturesChangedOrVaried() || !videoRelayed && variants.video().hasDemand() || motion.due();
    }

    /**
     * Whether the pictures of a camera that sends {@code codec} must be decoded: someone watches the JPEG
     * stream or takes a snapshot, or {@link #needsPixels} but for an H.264 stream that passes through.
     */
    boolean needsPixels(Codec codec) {
        // A decoder of coded video needs every picture: motion detection keeps it decoding.
        return main.hasDemand() || motion.on() || picturesChangedOrVaried() || !passesThrough(codec) && variants.video().hasDemand();
    }

    /** A transform is set, or a variant (JPEG or H.264) is being made: whatever the source, its pixels are needed. */
    private boolean picturesChangedOrVaried() {
        return transform != null || variants.any() || !variants.videoActive().isEmpty();
    }

    /**
     * Whether a camera's own video in {@code codec} goes to its H.264 stream as it came: H.264, for a
     * camera whose pictures are not changed (rotated, flipped, overlaid) nor asked to be encoded again.
     */
    private boolean passesThrough(Codec codec) {
        return codec == Codec.H264 && videoAsIs;
    }

    /** Size of the last picture sent, after the transform; 0 before the first. Any thread. */
    long size() {
        return size;
    }

    /** Size of the pictures sent: the last one's, or before any the configured size, turned if the camera turns a quarter. */
    long outputSize() {
        long s = size;
        return s != 0 ? s : configuredSize;
    }

    /**
     * Converts and transforms {@code picture}, then hands it to the encoders for the main stream, if
     * anyone watches it and {@code mainSent} is false (its JPEG went out {@link #publishAsIs as it came}),
     * and for each variant. Takes over the capture thread's hold on it.
     */
    void process(Picture picture, long captureMicros, boolean mainSent) {
        try {
            if (motion.skips(outputWanted(mainSent))) {
                return; // read only for motion detection, which takes a few pictures a second
            }
            Mat image = picture.image();
            Mat m = Pictures.encodable(image, picture.work());
            if (transform != null) {
                m = transform.apply(m, m == image ? picture.work() : image, captureMicros);
            }
            picture.finish(m);
            motion.offer(m, captureMicros);
            int w = m.cols();
            int h = m.rows();
            long full = VariantRequest.pack(w, h);
            size = full;
            outputs.clear();
            if (!mainSent && main.hasDemand()) {
                output(w, h, quality, main);
            }
            for (Variants.Variant v : variants.active()) {
                long s = v.request.fit(full);
                v.size = s;
                output(VariantRequest.width(s), VariantRequest.height(s),
                        v.request.quality() > 0 ? v.request.quality() : quality, v.broadcaster);
            }
            for (Map.Entry<JpegSlot, List<Broadcaster>> o : outputs.entrySet()) {
                o.getKey().submit(picture, captureMicros, List.copyOf(o.getValue()));
            }
            for (VideoSlot slot : videos()) {
                if (encodes(slot)) {
                    slot.submit(picture, captureMicros);
                }
            }
            closeUnusedSlots();
        } finally {
            picture.release();
        }
    }

    /** Whether a picture would be encoded for anyone: a viewer of the main stream, a variant, or the H.264 stream. */
    private boolean outputWanted(boolean mainSent) {
        return !mainSent && main.hasDemand() || variants.any() || !variants.videoActive().isEmpty()
                || variants.video().hasDemand();
    }

    /**
     * Publishes {@code jpeg[0, length)} as the source gave it to the main stream: no decode, no encode.
     * For a camera without transforms; variants, if any, still need {@link #process}. {@code via}
     * names the camstreams it came through (NONE for a device's picture); this camera's hop is added.
     */
    void publishAsIs(byte[] jpeg, int length, long captureMicros, Via via) {
        long s = JpegSize.of(jpeg, length);
        if (s != 0 && s != size) {
            size = s;
        }
        if (via != upstream) {
            upstream = via;
            relayed = via.then(main.via());
        }
        publish(main, jpeg, length, captureMicros, relayed);
    }

    private void publish(Broadcaster b, byte[] jpeg, long captureMicros) {
        publish(b, jpeg, jpeg.length, captureMicros, b.via());
    }

    private void publish(Broadcaster b, byte[] jpeg, int length, long captureMicros, Via via) {
        if (dropDuplicates) {
            if (b.publishChanged(jpeg, length, captureMicros, via) == null) {
                counters.duplicates.incrementAndGet();
            }
        } else {
            b.publish(jpeg, length, captureMicros, false, via);
        }
    }

    /** Adds {@code to} to the output of that size and quality, making its slot if there is none yet. */
    private void output(int width, int height, int quality, Broadcaster to) {
        long key = VariantRequest.pack(width, height) * 128 + quality;
        JpegSlot slot = slots.computeIfAbsent(key,
                k -> new JpegSlot(camera, width, height, quality, pool, publisher, counters, onRoom, clock));
        outputs.computeIfAbsent(slot, s -> new ArrayList<>(2)).add(to);
    }

    private void closeUnusedSlots() {
        boolean changed = slots.size() != slotList.size();
        for (Iterator<JpegSlot> it = slots.values().iterator(); it.hasNext(); ) {
            JpegSlot slot = it.next();
            if (!outputs.containsKey(slot)) {
                slot.close();
                it.remove();
                changed = true;
            }
        }
        if (changed) {
            slotList = List.copyOf(slots.values());
        }
    }

    @Override
    public void close() {
        for (EncodeSlot slot : slots.values()) {
            slot.close();
        }
        closeVideos();
        slots.clear();
        slotList = List.of();
        pictures.discard();
        if (transform != null) {
            transform.close();
        }
    }
}
