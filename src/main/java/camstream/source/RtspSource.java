package camstream.source;

import camstream.config.CameraConfig;
import camstream.config.SourceOptions;
import camstream.config.SourceSpec;
import camstream.video.AccessUnit;
import camstream.video.Codec;
import camstream.video.NalStream;
import org.opencv.core.Mat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IP camera's RTSP stream (H.264 or H.265), read by an ffmpeg child process that speaks RTSP and
 * RTP and copies the camera's video out as it came, undecoded ({@code -c copy}); camstream splits it
 * into access units ({@link NalStream}) on a named reader thread, and the capture thread takes them
 * from a bounded queue. The camera's pictures are decoded only while someone needs pixels
 * ({@link #decode}): then a second ffmpeg process decodes them ({@link RtspDecoder}), starting from
 * the last keyframe this source kept. The password of the URL is never shown: {@link #describe},
 * every message and every line of ffmpeg's output are masked; the URL itself is on ffmpeg's command
 * line, as ffmpeg has no other way to be given it.
 */
public final class RtspSource implements FrameSource {

    private static final Logger LOG = Logger.getLogger(RtspSource.class.getName());
    private static final Pattern STREAM = Pattern.compile("Stream #0:\\d+.*?: Video: (\\w+)");
    private static final Pattern CONTEXT = Pattern.compile("^(\\[[^]]+ @ [^]]+] )?\\[(\\w+)] ");
    /** Frames kept since the last keyframe, to start a decoder at once; a camera with longer groups of pictures waits for the next keyframe. */
    private static final int MAX_GOP_UNITS = 600;
    private static final long MAX_GOP_BYTES = 64L << 20;
    /** Access units waiting for the capture thread; more means it is stuck, and the oldest go. */
    private static final int MAX_WAITING = 240;
    private static final int MAX_NAL_BYTES = 32 << 20;
    /** How long decoding goes on after the last picture was wanted: viewers come and go in bursts. */
    private static final long DECODE_LINGER_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final Object DECODED = new Object();

    private record End(String reason) {
    }

    private final CameraConfig cfg;
    private final SourceOptions options;
    private final String url;
    private final String shown;
    private final AtomicLong units = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong decoders = new AtomicLong();

    // Set by open, read by the reader thread, the decoder's threads and the capture thread.
    private volatile Ffmpeg ffmpeg;
    private volatile Codec codec;
    private volatile String codecName;
    private CountDownLatch codecSaid;
    private BlockingQueue<Object> events;
    private Thread reader;
    private final AtomicBoolean decodedPending = new AtomicBoolean();
    /** Guards gop and decoder, so that a decoder starts with the kept units and misses none after them. */
    private final Object lock = new Object();
    private final List<AccessUnit> gop = new ArrayList<>();
    private long gopBytes;
    private RtspDecoder decoder;
    /** The stream's sequence parameter set; a new one (another size) needs a decoder made anew. */
    private byte[] sps;
    private boolean spsChanged;
    // Capture thread only.
    private Object first;
    private long decodeWantedAt;

    public RtspSource(CameraConfig cfg, String url) {
        this.cfg = cfg;
        this.options = cfg.options();
        this.url = url;
        this.shown = SourceSpec.mask(url);
    }

    @Override
    public void open() throws SourceException {
        close();
        codec = null;
        codecName = null;
        codecSaid = new CountDownLatch(1);
        events = new LinkedBlockingQueue<>();
        List<String> args = new ArrayList<>(List.of("-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info",
                "-rtsp_transport", options.rtspTransport(),
                "-timeout", String.valueOf(TimeUnit.SECONDS.toMicros(options.readTimeoutSeconds())),
                // The stream's parameters come in the camera's SDP: no need to read a second of video first.
                "-analyzeduration", "0", "-probesize", "32", "-fflags", "nobuffer", "-i", url,
                "-map", "0:v:0", "-c", "copy", "-bsf:v", "dump_extra", "-f", "rawvideo", "-flush_packets", "1", "pipe:1"));
        Ffmpeg f = new Ffmpeg("camstream-rtsp-" + cfg.id() + "-log", "reading " + shown, options.ffmpeg(), args, this::line);
        ffmpeg = f;
        BlockingQueue<Object> to = events;
        reader = new Thread(() -> read(f, to), "camstream-rtsp-" + cfg.id());
        reader.setDaemon(true);
        reader.start();
        Object e = poll(TimeUnit.SECONDS.toNanos(options.connectTimeoutSeconds() + options.readTimeoutSeconds()));
        if (e instanceof End end) {
            throw new SourceException(end.reason());
        }
        first = e;
    }

    /** A line of ffmpeg's error output: the stream's codec once, errors for the reason it ends. */
    private void line(String line) {
        Matcher m = STREAM.matcher(line);
        if (codecName == null && m.find()) {
            codecName = m.group(1);
            codec = Codec.ofFfmpeg(codecName);
            codecSaid.countDown();
        }
        LOG.finer(() -> "Camera '" + cfg.id() + "': ffmpeg: " + line);
    }

    /** ffmpeg's line without its context and level, for viewers; the camera's URL in it is already masked. */
    static String plain(String line) {
        return CONTEXT.matcher(line).replaceFirst("");
    }

    /** Reads one ffmpeg's stream into {@code to}, this session's queue: a reader that outlived its session touches no other. */
    private void read(Ffmpeg f, BlockingQueue<Object> to) {
        String reason;
        try (InputStream in = f.stdout()) {
            byte[] chunk = new byte[256 * 1024];
            int n = in.read(chunk);
            if (n > 0) {
                // The stream's codec is written before its first bytes, but by another thread.
                codecSaid.await(5, TimeUnit.SECONDS);
                Codec c = codec;
                if (c == null) {
                    throw new SourceException(shown + " sends " + (codecName == null ? "video of an unknown kind" : codecName)
                            + " video; camstream takes H.264 and H.265");
                }
                NalStream nals = new NalStream(c, MAX_NAL_BYTES, u -> unit(u, to));
                do {
                    nals.feed(chunk, 0, n);
                } while ((n = in.read(chunk)) > 0);
            }
            f.awaitErrors(1000);
            reason = shown + ": " + (f.lastError().isEmpty() ? f.ended() : errorOf(f));
        } catch (SourceException e) {
            reason = e.getMessage();
        } catch (IOException e) {
            reason = shown + ": the stream from ffmpeg broke (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            reason = shown + ": closed";
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Camera '" + cfg.id() + "': reading " + shown + " failed", e);
            reason = shown + ": " + e.getMessage();
        }
        to.add(new End(reason));
    }

    private static String errorOf(Ffmpeg f) {
        String e = plain(f.lastError());
        return e.startsWith("rtsp") && e.indexOf(": ") > 0 ? e.substring(e.indexOf(": ") + 2) : e;
    }

    /** An access unit from the camera: kept for a decoder that starts, handed to one that runs, queued for the capture thread. */
    private void unit(AccessUnit u, BlockingQueue<Object> to) {
        units.incrementAndGet();
        synchronized (lock) {
            if (u.keyframe()) {
                gop.clear();
                gopBytes = 0;
                byte[] s = u.sps();
                if (s != null && !Arrays.equals(s, sps)) {
                    spsChanged = sps != null;
                    sps = s;
                }
            }
            if (!gop.isEmpty() || u.keyframe()) {
                gop.add(u);
                gopBytes += u.bytes();
                if (gop.size() > MAX_GOP_UNITS || gopBytes > MAX_GOP_BYTES) {
                    gop.clear();
                    gopBytes = 0;
                }
            }
            if (decoder != null) {
                decoder.offer(u);
            }
        }
        if (to.size() >= MAX_WAITING) {
            to.clear(); // the capture thread is stuck: the watchdog speaks for it meanwhile
            dropped.addAndGet(MAX_WAITING);
        }
        to.add(u);
    }

    @Override
    public boolean deliversVideo() {
        return true;
    }

    @Override
    public AccessUnit readVideo() throws SourceException {
        Object e = first;
        first = null;
        if (e == null) {
            e = poll(TimeUnit.SECONDS.toNanos(options.readTimeoutSeconds()));
        }
        if (e instanceof End end) {
            throw new SourceException(end.reason());
        }
        if (e == DECODED) {
            decodedPending.set(false);
            return null;
        }
        return (AccessUnit) e;
    }

    private Object poll(long nanos) throws SourceException {
        try {
            Object e = events.poll(nanos, TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new SourceException(shown + ": no video for " + TimeUnit.NANOSECONDS.toSeconds(nanos) + " s");
            }
            return e;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new SourceException(shown + ": closed");
        }
    }

    @Override
    public void decode(boolean wanted) throws SourceException {
        long now = System.nanoTime();
        if (wanted) {
            decodeWantedAt = now;
        }
        RtspDecoder d;
        boolean changed;
        synchronized (lock) {
            d = decoder;
            changed = spsChanged;
            spsChanged = false;
        }
        if (wanted && (d == null || !d.alive() || changed)) {
            if (d != null) {
                LOG.fine(() -> "Camera '" + cfg.id() + "': " + (changed ? "the stream's parameters changed"
                        : "the decoder ended (" + d.ended() + ")") + "; starting another decoder");
                stopDecoder();
            }
            Codec c = codec;
            RtspDecoder started = new RtspDecoder(cfg.id(), c, options.ffmpeg(), shown, this::decoded);
            decoders.incrementAndGet();
            synchronized (lock) {
                started.start(gop);
                decoder = started;
            }
        } else if (!wanted && d != null && now - decodeWantedAt > DECODE_LINGER_NANOS) {
            stopDecoder();
        }
    }

    /** Told by the decoder, on its thread, that it has a new picture. */
    private void decoded() {
        if (decodedPending.compareAndSet(false, true)) {
            events.add(DECODED);
        }
    }

    @Override
    public boolean readDecoded(Mat frame) {
        RtspDecoder d;
        synchronized (lock) {
            d = decoder;
        }
        return d != null && d.newest(frame);
    }

    private void stopDecoder() {
        RtspDecoder d;
        synchronized (lock) {
            d = decoder;
            decoder = null;
        }
        if (d != null) {
            d.close();
        }
    }

    @Override
    public void read(Mat frame) throws SourceException {
        throw new SourceException(shown + " delivers video, not pictures");
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of("accessUnits", units.get(), "accessUnitsDropped", dropped.get(), "decodersStarted", decoders.get());
    }

    @Override
    public double pacingFps() {
        return 0;
    }

    @Override
    public String describe() {
        return shown;
    }

    @Override
    public void close() {
        stopDecoder();
        Ffmpeg f = ffmpeg;
        ffmpeg = null;
        if (f != null) {
            f.close();
        }
        Thread r = reader;
        reader = null;
        if (r != null) {
            boolean interrupted = Thread.interrupted();
            try {
                r.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (r.isAlive()) {
                LOG.warning(() -> "Camera '" + cfg.id() + "': the reader of " + shown + " did not end");
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            gop.clear();
            gopBytes = 0;
            sps = null;
            spsChanged = false;
        }
        first = null;
    }
}
