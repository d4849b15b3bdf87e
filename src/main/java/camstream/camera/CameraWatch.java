package camstream.camera;

import camstream.camera.CameraStatus.State;
import camstream.config.CameraConfig;
import camstream.encode.JpegEncoder;
import camstream.stream.Broadcaster;
import camstream.stream.Frame;
import camstream.stream.Via;
import org.opencv.core.Mat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * A camera's watchdog duties, run a few times a second by the {@link Watchdog} thread whatever the
 * capture thread is doing (it may be stuck inside a source for good, and then cannot speak): notices
 * a source that stopped answering, keeps every viewer receiving something at least once a second
 * (a new picture, the placeholder, or the current picture again), lets viewers check for stalls,
 * and writes the periodic viewer summary. Watchdog thread only.
 */
final class CameraWatch {

    private static final Logger LOG = Logger.getLogger(CameraWatch.class.getName());
    /** Viewers get something at least this often: a new picture, the placeholder, or the current picture again. */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(700);

    private final CameraConfig cfg;
    private final CameraState state;
    /** The state of the camera's H.264 stream when it passes through from an upstream camstream; else {@link #state}. */
    private final CameraState videoState;
    private final CameraCounters counters;
    private final Variants streams;
    /** The main stream's picture size, and whether an encode of this camera hangs. */
    private final FramePipeline pipeline;
    /** False once the camera stops: a capture thread inside a call then is not news. */
    private final BooleanSupplier running;
    private final Clock clock;
    private final long sourceTimeoutNanos;
    private final long summaryNanos;
    /** Placeholders are drawn with OpenCV; without it they are plain. */
    private final boolean noOpenCv;

    private boolean reportedStuck;
    private long summaryAt;
    private long joinedAtSummary;
    private long leftAtSummary;

    /** @param videoState the state of the H.264 stream when it has a source of its own, else null */
    CameraWatch(CameraConfig cfg, CameraState state, CameraState videoState, CameraCounters counters, Variants streams,
                FramePipeline pipeline, BooleanSupplier running, CameraServices services) {
        this.cfg = cfg;
        this.state = state;
        this.videoState = videoState == null ? state : videoState;
        this.counters = counters;
        this.streams = streams;
        this.pipeline = pipeline;
        this.running = running;
        this.clock = services.clock();
        this.sourceTimeoutNanos = services.sourceTimeoutNanos();
        this.summaryNanos = services.summaryNanos();
        this.summaryAt = clock.nanoTime();
        this.noOpenCv = services.noOpenCv() != null;
    }

    /** @param encoder the watchdog's own encoder, for placeholders; null when it has none */
    void watch(long now, JpegEncoder encoder) {
        List<Broadcaster> all = streams.all();
        for (Broadcaster b : all) {
            b.tick(now);
        }
        summarize(now);
        for (VideoSlot slot : pipeline.videos()) {
            slot.releaseIfUnwatched();
        }
        boolean stuck = noticeStuck(now);
        if (!streams.hasDemand()) {
            return;
        }
        CameraStatus s = state.status();
        CameraStatus v = videoState.status();
        try {
            if (s.state() == State.LIVE) {
                List<Broadcaster> videos = streams.videos();
                for (Broadcaster b : all) {
                    if (!videos.contains(b)) {
                        b.resendIfQuiet(QUIET_NANOS);
                    }
                }
            } else if (!justOpening(s)) {
                long mainSize = pipeline.outputSize();
                placeholder(streams.main(), mainSize, cfg.quality(), s, stuck, now, encoder);
                for (Variants.Variant variant : streams.active()) {
                    placeholder(variant.broadcaster, variant.request.fit(mainSize),
                            variant.request.quality() > 0 ? variant.request.quality() : cfg.quality(), s, stuck, now, encoder);
                }
            }
            // The H.264 stream by its own state when it has a source of its own; its variants are made from the pictures.
            List<VideoSlot> slots = pipeline.videos();
            for (VideoSlot slot : slots) {
                CameraStatus of = slot == pipeline.video() ? v : s;
                if (of.state() == State.LIVE) {
                    videoKeepAlive(slot, now);
                } else if (!justOpening(of)) {
                    videoPlaceholder(slot, pipeline.outputSize(), of, stuck && of == s, now);
                }
            }
            if (v.state() == State.LIVE) {
                passthroughQuiet(v, now);
            }
        } finally {
            // Viewers with a frame rate cap: their held pictures and their keep-alives, in every state.
            for (Broadcaster b : all) {
                b.paceCapped(QUIET_NANOS);
            }
        }
    }

    /**
     * NO SIGNAL for a capture thread inside an open, read or decode, or an encode of this camera, for
     * over the source timeout; true while one is.
     */
    private boolean noticeStuck(long now) {
        CameraState.Busy busy = state.busy();
        long encoding = pipeline.encodingSince();
        if (encoding != 0 && (busy == null || encoding - busy.sinceNanos() < 0)) {
            busy = new CameraState.Busy("encode", encoding);
        }
        boolean stuck = busy != null && now - busy.sinceNanos() > sourceTimeoutNanos && running.getAsBoolean();
        if (!stuck) {
            reportedStuck = false;
            return false;
        }
        if (!reportedStuck) {
            CameraStatus s = state.status();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(sourceTimeoutNanos);
            String reason = busy.what().equals("encode") ? "a JPEG encode has not returned for over " + seconds + " s"
                    : "no answer from " + s.source() + " for over " + seconds + " s (" + busy.what() + ")";
            if (state.compareAndSet(s, s.to(State.NO_SIGNAL, reason, null, clock.now()))) {
                reportedStuck = true;
                LOG.warning(() -> "Camera '" + cfg.id() + "': no signal: " + reason);
            }
        }
        return true;
    }

    /** Publishes the placeholder to one stream, at its size and quality, if it is due there. */
    private void placeholder(Broadcaster b, long size, int quality, CameraStatus s, boolean stuck, long now,
                             JpegEncoder encoder) {
        if (!b.hasDemand()) {
            return;
        }
        Frame latest = b.latest();
        boolean due = latest == null || now - b.latestNanos() >= QUIET_NANOS
                || s.failing() && !latest.placeholder(); // a failure is news: say so now, not a second later
        if (!due) {
            return;
        }
        byte[] jpeg;
        if (noOpenCv || encoder == null) {
            jpeg = PlainPicture.jpeg(size);
        } else {
            Mat m = Placeholder.of(cfg, s, stuck, VariantRequest.width(size), VariantRequest.height(size));
            try {
                jpeg = encoder.encode(m, quality);
                counters.encoded.incrementAndGet();
            } finally {
                m.release();
            }
        }
        Via loop = state.placeholderPath();
        b.publish(jpeg, jpeg.length, CaptureLoop.micros(clock.now()), true, loop != null ? loop : b.via());
    }

    /** Whether a source began opening less than a second ago: most open in less, so no "opening" flash before the first picture. */
    private boolean justOpening(CameraStatus s) {
        return (s.state() == State.OPENING || s.state() == State.IDLE)
                && Duration.between(s.since(), clock.now()).toNanos() < TimeUnit.SECONDS.toNanos(1);
    }

    /** An H.264 stream's keep-alive: the last picture encoded again, when nothing new was sent for a while. */
    private void videoKeepAlive(VideoSlot slot, long now) {
        Broadcaster video = slot.broadcaster();
        if (video.hasDemand() && !slot.bypassed() && video.latest() != null && now - video.latestNanos() >= QUIET_NANOS) {
            slot.again(CaptureLoop.micros(clock.now()));
        }
    }

    /**
     * The camera's own H.264 stopped coming though the camera is still open: its viewers get NO SIGNAL
     * with the reason, encoded here, as the pictures they have cannot be sent again without an encoder.
     */
    private void passthroughQuiet(CameraStatus s, long now) {
        VideoSlot slot = pipeline.video();
        Broadcaster video = slot.broadcaster();
        if (noOpenCv || !slot.bypassed() || !video.hasDemand() || video.latest() == null
                || now - video.latestNanos() < QUIET_NANOS) {
            return;
        }
        long seconds = s.lastFrame() == null ? 1 : Math.max(1, Duration.between(s.lastFrame(), clock.now()).toSeconds());
        CameraStatus quiet = s.to(State.NO_SIGNAL, "no picture from " + s.source() + " for " + seconds + " s", null,
                clock.now());
        long size = pipeline.outputSize();
        Picture p = Picture.alone(Placeholder.of(cfg, quiet, true, VariantRequest.width(size), VariantRequest.height(size)));
        try {
            slot.placeholder(p, CaptureLoop.micros(clock.now()));
        } finally {
            p.release();
        }
    }

    /**
     * The placeholder for one H.264 stream if it is due there, encoded like a live picture: drawn at the
     * camera's size, the stream's encoder scales it to its own.
     */
    private void videoPlaceholder(VideoSlot slot, long size, CameraStatus s, boolean stuck, long now) {
        Broadcaster video = slot.broadcaster();
        Frame latest = video.latest();
        if (noOpenCv || !video.hasDemand() || latest != null && now - video.latestNanos() < QUIET_NANOS
                && (!s.failing() || latest.placeholder())) {
            return;
        }
        Picture p = Picture.alone(Placeholder.of(cfg, s, stuck, VariantRequest.width(size), VariantRequest.height(size)));
        try {
            slot.placeholder(p, CaptureLoop.micros(clock.now()));
        } finally {
            p.release();
        }
    }

    private void summarize(long now) {
        if (summaryNanos == 0 || now - summaryAt < summaryNanos) {
            return;
        }
        Broadcaster main = streams.main();
        long joined = main.cameraJoined() - joinedAtSummary;
        long left = main.cameraLeft() - leftAtSummary;
        joinedAtSummary += joined;
        leftAtSummary += left;
        summaryAt = now;
        if (joined > 0 || left > 0) {
            LOG.info(() -> "Camera '" + cfg.id() + "': " + main.cameraViewerCount() + " watching; " + joined
                    + " joined and " + left + " left in the last " + TimeUnit.NANOSECONDS.toSeconds(summaryNanos) + " s");
        }
    }
}
