package camstream.camera;

import camstream.camera.CameraStatus.State;
import camstream.config.CameraConfig;
import camstream.config.Pixels;
import camstream.config.SourceSpec;
import camstream.encode.JpegEncoder;
import camstream.motion.Motion;
import camstream.source.FrameSource;
import camstream.stream.Broadcaster;
import camstream.stream.Via;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One camera, in parts that each belong to one thread:
 * <ul>
 *   <li>{@link CameraState}: its status and what its capture thread is inside of, shared by all;</li>
 *   <li>{@link CaptureLoop}: the capture thread, supervised by the shape of its loop, which reads,
 *       converts and transforms each picture once ({@link FramePipeline});</li>
 *   <li>the {@link EncodePool}'s threads, which encode each stream's pictures once, newest first;</li>
 *   <li>{@link CameraWatch}: the watchdog's duties for this camera (NO SIGNAL for a source that
 *       hangs, keep-alives, stall checks, the summary line);</li>
 *   <li>{@link Variants}: the main stream and the variants someone holds a {@link Lease} on;</li>
 *   <li>{@link CameraCounters}: what it counted.</li>
 * </ul>
 * This class puts them together and is what the web layer sees.
 */
public final class Camera {

    private static final Logger LOG = Logger.getLogger(Camera.class.getName());

    private final CameraConfig cfg;
    private final Via.Hop hop;
    private final FrameSource source;
    private final CameraState state;
    private final CameraCounters counters = new CameraCounters();
    private final Variants streams;
    private final FramePipeline pipeline;
    private final CaptureLoop loop;
    /** An upstream camstream's H.264, passed through, and its own loop and state; null for most cameras. */
    private final FrameSource videoSource;
    private final CameraState videoState;
    private final CaptureLoop videoLoop;
    private final CameraWatch watch;
    private final String noOpenCv;
    private final String noVideo;
    /** Motion detection; null when off. */
    private final Motion motion;

    public Camera(CameraConfig cfg, CameraServices services) {
        this.cfg = cfg;
        this.hop = services.server().hop(cfg.id());
        Broadcaster main = new Broadcaster(services.writers(), this::wake, services.clock()::nanoTime, Via.of(hop));
        // Without OpenCV only JPEG pictures that arrive ready can be shown: no other sizes.
        this.streams = new Variants(cfg.id(), main, cfg.quality(),
                services.noOpenCv() == null ? cfg.processing().maxVariants() : 0);
        this.noOpenCv = services.noOpenCv();
        this.noVideo = services.noOpenCv() != null ? "OpenCV did not load (" + services.noOpenCv() + ")"
                : services.noVideo();
        List<String> problems = new ArrayList<>(cfg.problems());
        if (problems.isEmpty() && noOpenCv != null && needsOpenCv(cfg)) {
            problems.add("this camera's source (" + cfg.source().name() + ") needs OpenCV, which did not load: " + noOpenCv);
        }
        FrameSource s = null;
        if (problems.isEmpty()) {
            try {
                s = services.sources().apply(cfg);
            } catch (RuntimeException e) {
                String msg = "setting " + cfg.key("source") + "='" + cfg.source().text() + "': " + e.getMessage();
                LOG.warning(() -> "Camera '" + cfg.id() + "': " + msg);
                problems.add(msg);
            }
        }
        this.source = s;
        this.state = new CameraState(cfg.id(), services.clock(), s == null
                ? new CameraStatus(State.MISCONFIGURED, String.join("; ", problems), "no source",
                        services.clock().now(), null, null, 0)
                : new CameraStatus(State.IDLE, "nobody is watching", s.describe(), services.clock().now(), null, null, 0));
        this.pipeline = new FramePipeline(cfg, main, streams, counters, services.encoders(), this::wake,
                services.clock());
        // H.264 that an upstream camstream encoded passes through: one connection of its own, opened while H.264 viewers watch.
        this.videoSource = s == null || noVideo != null || Pixels.needed(cfg) ? null : services.videoSources().apply(cfg);
        this.videoState = videoSource == null ? null : new CameraState(cfg.id(), services.clock(), new CameraStatus(
                State.IDLE, "nobody is watching", videoSource.describe(), services.clock().now(), null, null, 0));
        if (videoSource != null) {
            pipeline.relayVideo();
        }
        this.motion = s == null || !cfg.motion().on() || noOpenCv != null ? null
                : new Motion(cfg.id(), cfg.motion(), Transform.clocks(cfg));
        if (motion != null) {
            pipeline.detectMotion(new MotionTap(motion));
        } else if (cfg.motion().on() && s != null) {
            LOG.warning(() -> "Camera '" + cfg.id() + "': " + cfg.key("motion") + "=on needs OpenCV, which did not load ("
                    + noOpenCv + "); no motion detection");
        }
        // A camera that detects motion stays open whether or not anyone watches.
        this.loop = s == null ? null : new CaptureLoop(cfg, s, state, counters, pipeline,
                motion != null ? () -> true : videoSource == null ? streams::hasDemand : streams::hasPictureDemand,
                services.clock(), services.idleNanos());
        this.videoLoop = videoSource == null ? null : new CaptureLoop(cfg, videoSource, videoState, counters, pipeline,
                streams.video()::hasDemand, services.clock(), services.idleNanos(), "camstream-video-relay-" + cfg.id(), false);
        this.watch = new CameraWatch(cfg, state, videoState, counters, streams, pipeline,
                () -> loop != null && loop.running(), services);
    }

    public String id() {
        return cfg.id();
    }

    public CameraConfig config() {
        return cfg;
    }

    /** This camera in the path of every picture it sends ({@link Via}). */
    public Via.Hop hop() {
        return hop;
    }

    /**
     * The camera's one status value; read it once and use only what it says. A camera whose H.264 passes
     * through from an upstream camstream on a connection of its own says how that goes while only H.264
     * viewers watch, and while both kinds do, whichever of the two is not live.
     */
    public CameraStatus status() {
        CameraStatus s = state.status();
        if (videoState == null || !streams.video().hasDemand()) {
            return s;
        }
        CameraStatus v = videoState.status();
        return !streams.hasPictureDemand() || s.state() == State.LIVE ? v : s;
    }

    /** This camera's motion detection; null when off. */
    public Motion motion() {
        return motion;
    }

    public CameraCounters counters() {
        return counters;
    }

    /** What the source counted (parts skipped and why, for a relay); empty for most sources. */
    public Map<String, Long> sourceCounters() {
        return source == null ? Map.of() : source.counters();
    }

    /** The main stream's broadcaster; viewers of variants are in their own ({@link #lease}). */
    public Broadcaster broadcaster() {
        return streams.main();
    }

    /** The broadcasters of the main stream (first) and of each variant in use: every viewer of this camera is in one. */
    public List<Broadcaster> streams() {
        return streams.all();
    }

    /**
     * A hold on the stream {@code request} asks for: the main stream, or a variant shared by all who
     * ask for the same, made from the next frame on. Null when that would be one variant more than
     * {@link #maxVariants}. Release it when the viewer or snapshot has ended.
     */
    public Lease lease(VariantRequest request) {
        // Only a picture's real size tells whether a requested size is no smaller: a device may not give the configured one.
        Lease lease = streams.lease(request, pipeline.size());
        if (lease != null) {
            wake();
        }
        return lease;
    }

    /**
     * A hold on the H.264 stream {@code request} asks for (the camera's own, or a variant of another
     * size or a lower rate), encoded once for all its viewers while anyone holds one. Null when this
     * camera cannot make one ({@link #whyNoVideo}) or it would be one variant more than
     * {@link #maxVariants}. Release it when the viewer has ended.
     */
    public Lease videoLease(VideoRequest request) {
        if (noVideo != null) {
            return null;
        }
        Lease lease = streams.leaseVideo(request, pipeline.size(), cfg.fps());
        if (lease != null) {
            wake();
        }
        return lease;
    }

    /** Why this camera sends no H.264, in words; null when it does. */
    public String whyNoVideo() {
        return noVideo;
    }

    /** The H.264 stream's broadcaster. */
    public Broadcaster video() {
        return streams.video();
    }

    /** The H.264 stream's broadcaster (first) and those of the H.264 variants in use. */
    public List<Broadcaster> videos() {
        return streams.videos();
    }

    /**
     * The H.264 streams in use: the camera's own first ({@code options} empty), then each variant, with
     * the size last encoded (0 before the first) and its viewers; {@code quality} does not apply (0).
     */
    public List<VariantInfo> videoVariants() {
        List<VariantInfo> list = new ArrayList<>();
        for (VideoSlot slot : pipeline.videos()) {
            long size = slot.size();
            list.add(new VariantInfo(slot.request().describe(), VariantRequest.width(size), VariantRequest.height(size),
                    0, slot.broadcaster().streamViewerCount()));
        }
        return list;
    }

    /** Viewers of the H.264 stream and its variants. */
    public int videoViewerCount() {
        int n = 0;
        for (Broadcaster b : streams.videos()) {
            n += b.streamViewerCount();
        }
        return n;
    }

    /**
     * The camstreams the H.264 stream's frames come through now, this camera last: for an upstream
     * camstream's H.264 passed through, the path its answer named, then this camera's hop. An {@code .mp4}
     * answer names it ({@link Via#HEADER}), so that a relay of this stream finds itself in a loop.
     */
    public Via videoPath() {
        Via own = Via.of(hop);
        return videoSource != null && videoPassedThrough() ? videoSource.upstreamPath().then(own) : own;
    }

    /** Whether the camera's own H.264 goes to its H.264 viewers as it came (an IP camera), with no encoder. */
    public boolean videoPassedThrough() {
        return pipeline.video().bypassed();
    }

    /** Whether an H.264 encoder of this camera exists now (someone watches, or did a moment ago). */
    public boolean videoEncoding() {
        for (VideoSlot slot : pipeline.videos()) {
            if (slot.open()) {
                return true;
            }
        }
        return false;
    }

    /** Variants this camera makes at most at once, besides its main stream. */
    public int maxVariants() {
        return streams.max();
    }

    /** The variants in use, as the queries that ask for them ({@code width=320}). */
    public List<String> variantsInUse() {
        return streams.inUse();
    }

    /** The streams this camera makes now: the main stream first, then each variant in use. */
    public List<VariantInfo> variants() {
        long main = pipeline.outputSize();
        List<VariantInfo> list = new ArrayList<>();
        list.add(new VariantInfo("", VariantRequest.width(main), VariantRequest.height(main), cfg.quality(),
                streams.main().streamViewerCount()));
        for (Variants.Variant v : streams.active()) {
            long size = v.size;
            list.add(new VariantInfo(v.request.describe(), VariantRequest.width(size), VariantRequest.height(size),
                    v.request.quality() > 0 ? v.request.quality() : cfg.quality(), v.broadcaster.streamViewerCount()));
        }
        return list;
    }

    /** Width and height of the pictures this camera sends: the last one's, else the configured size. */
    public int[] pictureSize() {
        long size = pipeline.outputSize();
        return new int[] {VariantRequest.width(size), VariantRequest.height(size)};
    }

    /** Viewers of the main stream and of every variant. */
    public int viewerCount() {
        return streams.main().cameraViewerCount();
    }

    /**
     * Frees this camera's H.264 encoder once no encode runs; at shutdown, after the encoder threads
     * ended and before the library is unloaded, whatever its capture thread does.
     */
    public void releaseEncoders() {
        pipeline.closeVideos();
    }

    /** Ends every stream of this camera, main, variants and H.264; used at shutdown. */
    public void closeViewers(String why) {
        for (Broadcaster b : streams.all()) {
            b.closeAll(why);
        }
    }

    public void start() {
        if (loop == null) {
            LOG.warning(() -> "Camera '" + cfg.id() + "' is not usable: " + state.status().reason());
            return;
        }
        if (motion != null) {
            motion.start();
        }
        loop.start();
        if (videoLoop != null) {
            videoLoop.start();
        }
    }

    /** Asks the capture thread to end; {@link #join} waits for it. */
    public void signalStop() {
        if (videoLoop != null) {
            videoLoop.signalStop();
        }
        if (loop != null) {
            loop.signalStop();
        }
        if (motion != null) {
            motion.signalStop();
        }
    }

    /**
     * Waits until the capture thread ended or {@code deadlineNanos} (a {@link System#nanoTime} value)
     * passed. Returns false, after saying in the log what it is stuck in, if the thread is still alive:
     * a read that never returns cannot be interrupted, and the thread ends when it returns.
     */
    public boolean join(long deadlineNanos) throws InterruptedException {
        if (videoLoop != null && !videoLoop.join(deadlineNanos)) {
            LOG.warning(() -> "Camera '" + cfg.id() + "': the relay of " + videoSource.describe() + " did not stop");
        }
        boolean ended = loop == null || loop.join(deadlineNanos);
        // After the capture thread, which hands it pictures.
        if (motion != null && !motion.join(deadlineNanos)) {
            LOG.warning(() -> "Camera '" + cfg.id() + "': the motion thread did not stop");
        }
        if (ended) {
            return true;
        }
        CameraState.Busy busy = state.busy();
        String stuck = busy == null ? "" : " in the " + busy.what() + " of " + state.status().source() + " for "
                + (System.nanoTime() - busy.sinceNanos()) / 1_000_000_000L + " s";
        LOG.warning(() -> "Camera '" + cfg.id() + "': the capture thread did not stop" + stuck
                + "; it ends by itself when that call returns");
        return false;
    }

    /** Only a relay that passes its JPEG pictures through as they come needs no pixels, hence no OpenCV. */
    private static boolean needsOpenCv(CameraConfig cfg) {
        return cfg.source().kind() != SourceSpec.Kind.HTTP || Pixels.needed(cfg);
    }

    /** Why this camera makes no other sizes or qualities, in words; null when it makes up to {@link #maxVariants}. */
    public String whyNoVariants() {
        return noOpenCv == null ? null : "OpenCV did not load (" + noOpenCv + "): only the camera's own pictures are sent";
    }

    /** Called by the {@link Watchdog} a few times a second, whatever the capture thread is doing. */
    void watch(long now, JpegEncoder encoder) {
        watch.watch(now, encoder);
    }

    private void wake() {
        if (loop != null) {
            loop.wake();
        }
        if (videoLoop != null) {
            videoLoop.wake();
        }
    }
}
