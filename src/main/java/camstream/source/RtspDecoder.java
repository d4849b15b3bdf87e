package camstream.source;

import camstream.video.AccessUnit;
import camstream.video.Codec;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decodes a camera's access units to pictures while someone needs pixels: an ffmpeg process fed the
 * units on its standard input by a named writer thread (each followed by a delimiter, so that ffmpeg
 * knows at once that the unit is whole), whose pictures (PPM, which says its size in every picture)
 * a named reader thread keeps, the newest only. Units wait in a bounded queue: a decoder that falls
 * behind the camera drops them and starts again at the next keyframe, and never holds up the stream
 * that passes through.
 */
final class RtspDecoder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RtspDecoder.class.getName());
    private static final int MAX_WAITING = 700;
    private static final AccessUnit STOP = new AccessUnit(Codec.H264, List.of(), false, 0);

    private final String camera;
    private final Codec codec;
    private final Ffmpeg ffmpeg;
    private final Runnable onPicture;
    private final BlockingQueue<AccessUnit> queue = new ArrayBlockingQueue<>(MAX_WAITING + 1);
    private final Thread writer;
    private final Thread reader;
    // Guarded by this.
    private byte[] newest;
    private byte[] spare;
    private int width;
    private int height;
    private boolean fresh;
    /** Pictures of the kept units to throw away: only the last of them is live. */
    private int catchUp;
    // Reader thread (offer) only.
    private boolean skipping;

    RtspDecoder(String camera, Codec codec, String program, String shown, Runnable onPicture) throws SourceException {
        this.camera = camera;
        this.codec = codec;
        this.onPicture = onPicture;
        this.ffmpeg = new Ffmpeg("camstream-decode-" + camera + "-log", "decoding " + shown, program,
                List.of("-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+error",
                        "-fflags", "nobuffer", "-flags", "low_delay", "-probesize", "32", "-analyzeduration", "0",
                        "-f", codec == Codec.H265 ? "hevc" : "h264", "-i", "pipe:0",
                        "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "image2pipe", "-c:v", "ppm", "pipe:1"),
                line -> LOG.finer(() -> "Camera '" + camera + "': decoder: " + line));
        this.writer = new Thread(this::write, "camstream-decode-" + camera + "-in");
        this.reader = new Thread(this::read, "camstream-decode-" + camera + "-out");
        writer.setDaemon(true);
        reader.setDaemon(true);
    }

    /** Starts decoding with {@code kept}, the units since the last keyframe (the caller's lock held). */
    void start(List<AccessUnit> kept) {
        catchUp = Math.max(0, kept.size() - 1);
        for (AccessUnit u : kept) {
            offer(u);
        }
        writer.start();
        reader.start();
    }

    /** Hands a unit to the decoder; never blocks. Called by the source's reader thread. */
    void offer(AccessUnit u) {
        if (skipping && !u.keyframe()) {
            return;
        }
        skipping = !queue.offer(u) || queue.size() >= MAX_WAITING;
        if (skipping) {
            queue.clear();
        }
    }

    boolean alive() {
        return ffmpeg.alive() && writer.isAlive() && reader.isAlive();
    }

    String ended() {
        return ffmpeg.ended();
    }

    private void write() {
        try (OutputStream in = ffmpeg.stdin()) {
            byte[] delimiter = codec.delimiter();
            while (true) {
                AccessUnit u = queue.take();
                if (u == STOP) {
                    return;
                }
                in.write(u.toAnnexB());
                in.write(delimiter);
                in.flush();
            }
        } catch (IOException | InterruptedException e) {
            // The decoder ended or is closed.
        }
    }

    private void read() {
        try (InputStream out = ffmpeg.stdout()) {
            while (true) {
                int w = header(out);
                int h = header(out);
                if (w < 0 || h < 0 || header(out) != 255) {
                    return;
                }
                byte[] buf;
                synchronized (this) {
                    buf = spare != null && spare.length == w * h * 3 ? spare : new byte[w * h * 3];
                    spare = null;
                }
                if (out.readNBytes(buf, 0, buf.length) < buf.length) {
                    return;
                }
                synchronized (this) {
                    if (catchUp > 0) {
                        catchUp--;
                        spare = buf;
                        continue;
                    }
                    spare = newest;
                    newest = buf;
                    width = w;
                    height = h;
                    fresh = true;
                }
                onPicture.run();
            }
        } catch (IOException e) {
            // The decoder ended or is closed.
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Camera '" + camera + "': reading decoded pictures failed", e);
        }
    }

    /** The next number of a PPM header ("P6", the width, the height, the maximum value), or -1 at the end. */
    private static int header(InputStream in) throws IOException {
        int c = in.read();
        while (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            c = in.read();
        }
        if (c == 'P') {
            if (in.read() != '6') {
                throw new IOException("the decoder sent something else than PPM pictures");
            }
            return header(in);
        }
        int v = 0;
        int digits = 0;
        while (c >= '0' && c <= '9' && digits < 6) {
            v = v * 10 + (c - '0');
            digits++;
            c = in.read();
        }
        return digits == 0 ? -1 : v;
    }

    /** Copies the newest picture, as BGR, into {@code frame} if one came since the last call. */
    synchronized boolean newest(Mat frame) {
        if (!fresh) {
            return false;
        }
        fresh = false;
        frame.create(height, width, CvType.CV_8UC3);
        frame.put(0, 0, newest);
        Imgproc.cvtColor(frame, frame, Imgproc.COLOR_RGB2BGR);
        return true;
    }

    @Override
    public void close() {
        queue.clear();
        queue.offer(STOP);
        ffmpeg.close();
        boolean interrupted = Thread.interrupted();
        for (Thread t : List.of(writer, reader)) {
            if (t.getState() == Thread.State.NEW) {
                continue;
            }
            try {
                t.join(TimeUnit.SECONDS.toMillis(3));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (t.isAlive()) {
                LOG.warning(() -> "Camera '" + camera + "': " + t.getName() + " did not end");
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
