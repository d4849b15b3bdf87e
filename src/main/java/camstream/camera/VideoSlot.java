package camstream.camera;

import camstream.config.CameraConfig;
import camstream.encode.H264Encoder;
import camstream.encode.JpegEncoder;
import camstream.stream.Broadcaster;
import camstream.video.AnnexB;
import org.opencv.core.Mat;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One of a camera's H.264 streams (its own, or a variant of another size or a lower rate): one OpenH264 encoder, made for the size of the first picture while someone
 * watches and made anew when the size changes, whose pictures become fMP4 fragments published to the
 * camera's video stream. Live pictures come from the capture thread; placeholders and keep-alives
 * from the watchdog; all through this one slot, so the encoder sees one picture at a time, in order.
 *
 * <p>{@link VideoFragments} times the fragments; an encoder made anew with the same settings continues the track.
 */
final class VideoSlot extends EncodeSlot {

    private static final Logger LOG = Logger.getLogger(VideoSlot.class.getName());
    /** A viewer that joins gets a keyframe at once, but not more often than this: joins can come in crowds. */
    private static final long MIN_FORCED_KEYFRAME_MICROS = 250_000;

    private final CameraConfig cfg;
    private final Broadcaster video;
    private final VideoRequest request;
    /** Frames a second this stream is encoded at: the camera's, or fewer as the request asks. */
    private final double fps;
    /** Whether an encoder exists; read by the watchdog to free one nobody needs. */
    private volatile boolean open;
    /** While the camera's own H.264 passes through to this stream: live pictures are not encoded, only placeholders. */
    private volatile boolean bypassed;
    /** The size of the pictures encoded last, packed by {@link VariantRequest#pack}; 0 before the first. */
    private volatile long size;

    // Touched only by the running encode.
    /** Made at the first encode: a camera without OpenCV has this slot, but never encodes. */
    private Mat scaled;
    private H264Encoder encoder;
    private final VideoFragments fragments;
    /** The previous live picture's capture time, for a lower rate. */
    private long lastCaptureMicros = -1;
    private long lastKeyframeMicros;
    private boolean warnedOdd;

    VideoSlot(CameraConfig cfg, Broadcaster video, VideoRequest request, EncodePool pool, CameraCounters counters,
              Runnable onRoom, Clock clock) {
        this(cfg, new VideoFragments(video), video, request, pool, counters, onRoom, clock);
    }

    /** @param fragments where its pictures go, shared with the camera's own H.264 when that passes through */
    VideoSlot(CameraConfig cfg, VideoFragments fragments, Broadcaster video, VideoRequest request, EncodePool pool,
              CameraCounters counters, Runnable onRoom, Clock clock) {
        super(cfg.id(), pool, counters, onRoom, clock);
        this.cfg = cfg;
        this.video = video;
        this.request = request;
        this.fps = request.fps() > 0 ? Math.min(cfg.fps(), request.fps()) : cfg.fps();
        this.fragments = fragments;
    }

    /** Where this stream's frames are published. */
    Broadcaster broadcaster() {
        return video;
    }

    /** Encodes {@code picture}, taking a hold on it, for the video stream. */
    void submit(Picture picture, long captureMicros) {
        submit(new Job(Kind.PICTURE, picture, captureMicros, List.of(video)));
    }

    /** Encodes a placeholder; {@code picture} is held by its maker, and freed once released by both. */
    void placeholder(Picture picture, long captureMicros) {
        submit(new Job(Kind.PLACEHOLDER, picture, captureMicros, List.of(video)));
    }

    /** Encodes the previous picture again, so that viewers receive something though the camera sends nothing new. */
    void again(long captureMicros) {
        submit(new Job(Kind.AGAIN, null, captureMicros, List.of(video)));
    }

    /** Whether the camera's own H.264 passes through to this stream now, rather than pictures encoded here. */
    boolean bypassed() {
        return bypassed;
    }

    void bypass(boolean on) {
        bypassed = on;
    }

    /** Frees the encoder if nobody watches, or the camera's own H.264 passes through; a viewer that comes later gets a new one. */
    void releaseIfUnwatched() {
        if (open && (!video.hasDemand() || bypassed)) {
            submit(new Job(Kind.RELEASE, null, 0, List.of()));
        }
    }

    /** The size of the pictures encoded last, packed by {@link VariantRequest#pack}; 0 before the first. */
    long size() {
        return size;
    }

    /** What this stream's viewers asked for; {@link VideoRequest#MAIN} for the camera's own. */
    VideoRequest request() {
        return request;
    }

    /** Whether an encoder exists now. */
    boolean open() {
        return open;
    }

    @Override
    void encode(Job job, JpegEncoder unused) {
        H264Encoder.Encoded out;
        long millis = TimeUnit.MICROSECONDS.toMillis(job.captureMicros());
        switch (job.kind()) {
            case RELEASE -> {
                if (!video.hasDemand() || bypassed) {
                    closeEncoder();
                }
                return;
            }
            case AGAIN -> {
                if (encoder == null) {
                    return;
                }
                keyframeIfAsked(job.captureMicros());
                out = encoder.encodeAgain(millis);
            }
            default -> {
                if (job.kind() == Kind.PICTURE && request.fps() > 0 && lastCaptureMicros >= 0
                        && job.captureMicros() - lastCaptureMicros < 0.9 * VideoFragments.TIMESCALE / fps) {
                    return; // a lower rate: not this one
                }
                lastCaptureMicros = job.captureMicros();
                Mat m = job.picture().result();
                long fit = request.fit(VariantRequest.pack(m.cols(), m.rows()));
                // 4:2:0 needs an even size: an odd side loses its last pixel.
                int w = Math.max(2, VariantRequest.width(fit) & ~1);
                int h = Math.max(2, VariantRequest.height(fit) & ~1);
                if (encoder == null || encoder.width() != w || encoder.height() != h) {
                    openEncoder(w, h, VariantRequest.width(fit), VariantRequest.height(fit));
                }
                if (scaled == null) {
                    scaled = new Mat();
                }
                m = scaled(m, scaled, w, h);
                keyframeIfAsked(job.captureMicros());
                long t0 = System.nanoTime();
                out = encoder.encode(m, millis);
                counters.encodedVideo(System.nanoTime() - t0);
            }
        }
        if (out != null) {
            publish(out, job.captureMicros(), job.kind() == Kind.PLACEHOLDER);
        }
    }

    private void keyframeIfAsked(long captureMicros) {
        if (!fragments.continues(this)) {
            encoder.requestKeyframe(); // the camera's own H.264 came in between: start afresh
        } else if (video.takeKeyframeRequest()) {
            if (captureMicros - lastKeyframeMicros >= MIN_FORCED_KEYFRAME_MICROS) {
                encoder.requestKeyframe();
            } else {
                video.requestKeyframe(); // the next picture after the spacing gets it
            }
        }
    }

    private void openEncoder(int w, int h, int cols, int rows) {
        closeEncoder();
        if (!warnedOdd && (w != cols || h != rows)) {
            warnedOdd = true;
            LOG.info(() -> "Camera '" + camera + "': H.264 needs an even width and height; " + cols + "x" + rows
                    + " pictures are sent as " + w + "x" + h);
        }
        double fps = Math.max(1, Math.min(60, this.fps));
        int bitrate = cfg.video().bitrate(w, h, fps);
        int keyframeEvery = (int) Math.max(1, Math.round(fps * cfg.video().keyframeSeconds()));
        encoder = new H264Encoder(w, h, fps, bitrate, keyframeEvery,
                H264Encoder.Profile.valueOf(cfg.video().profile().toUpperCase(Locale.ROOT)));
        open = true;
        size = VariantRequest.pack(w, h);
        LOG.fine(() -> "Camera '" + camera + "': H.264 encoder for " + w + "x" + h + " at " + fps + " frames/s, "
                + bitrate / 1000 + " kbit/s, a keyframe every " + keyframeEvery + " pictures"
                + (request.equals(VideoRequest.MAIN) ? "" : " (" + request.describe() + ")"));
    }

    private void closeEncoder() {
        if (encoder != null) {
            encoder.close();
            encoder = null;
            open = false;
            LOG.fine(() -> "Camera '" + camera + "': H.264 encoder freed, nobody watches");
        }
    }

    private void publish(H264Encoder.Encoded out, long captureMicros, boolean placeholder) {
        List<AnnexB.Nal> nals = AnnexB.split(out.annexB());
        byte[] sps = null;
        byte[] pps = null;
        if (out.keyframe()) {
            lastKeyframeMicros = captureMicros;
            sps = AnnexB.first(nals, AnnexB.SPS).orElseThrow().toArray();
            pps = AnnexB.first(nals, AnnexB.PPS).orElseThrow().toArray();
        }
        byte[] sample = AnnexB.toAvcc(nals);
        fragments.publish(sample, out.keyframe(), encoder.width(), encoder.height(), sps, pps, captureMicros, fps, placeholder,
                this);
        if (LOG.isLoggable(Level.FINEST)) {
            LOG.finest("Camera '" + camera + "': H.264 " + (out.keyframe() ? "keyframe" : "frame") + " of "
                    + sample.length + " bytes");
        }
    }

    @Override
    void free() {
        if (scaled != null) {
            scaled.release();
        }
        closeEncoder();
    }

    @Override
    String describe() {
        return "an H.264 picture";
    }
}
