package camstream.bench;

import camstream.NativeOpenCv;
import camstream.config.CameraConfig;
import camstream.config.SourceSpec;
import camstream.config.VideoOptions;
import camstream.encode.H264Encoder;
import camstream.encode.JpegEncoder;
import camstream.encode.JpegEncoders;
import camstream.encode.Pictures;
import camstream.source.FrameSource;
import camstream.source.Sources;
import camstream.video.AnnexB;
import camstream.video.Fmp4;
import org.opencv.core.Mat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the same source frames through camstream's two live encoders, offline and at the live settings,
 * and lets ffmpeg compare each output with the frames: the JPEG encoder camstream picks (quality 80,
 * the default) and {@link H264Encoder} at the default bitrate ({@link VideoOptions#bitrate}) with a
 * keyframe every second, on a 30 frames/s timeline, its pictures wrapped as camstream wraps them
 * ({@link Fmp4}). Writes the source frames (raw BGR, as the encoders got them), the JPEGs (one MJPEG
 * file) and the fMP4 under {@code dir}; ffmpeg decodes both and computes PSNR (of Y) and SSIM (Y, U and V)
 * against the raw frames, all in 4:2:0 YUV (BT.601, the matrix both encoders use). The raw file is
 * deleted afterwards. Encode times are the encoding thread's CPU time (not wall time), so that other
 * processes on the machine do not inflate them. With multiples of the default bitrate (e.g. {@code 1,2,4}) the
 * same frames go through one H.264 encoder for each, in the same pass, to show what bitrate matches the JPEGs'
 * quality. Prints one Markdown table row per bitrate.
 *
 * <pre>java -cp ... camstream.bench.H264QualityBench test-pattern|file:/clip.avi WIDTHxHEIGHT frames dir [1,2,4]
 * java -cp ... camstream.bench.H264QualityBench --header      (the table's head)</pre>
 */
public final class H264QualityBench {

    private static final int QUALITY = 80;
    private static final int FPS = 30;
    private static final int TIMESCALE = 1_000_000;
    private static final Pattern PSNR = Pattern.compile("PSNR y:([0-9.]+|inf) u:([0-9.]+|inf) v:([0-9.]+|inf) .* min:([0-9.]+|inf)");
    private static final Pattern SSIM = Pattern.compile("SSIM .*All:([0-9.]+)");

    public static final String HEADER = "| source | size | frames | MJPEG KB/s | H.264 KB/s (fMP4) | H.264 / MJPEG bytes"
            + " | PSNR-Y dB MJPEG / H.264 | worst frame PSNR-Y dB | PSNR-U, V dB MJPEG / H.264 | SSIM MJPEG / H.264 | JPEG encode ms (CPU, median) | H.264 encode ms (CPU, median)"
            + " | H.264 encode at 30 fps, % of a core | H.264 target kbit/s |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    private H264QualityBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--header")) {
            System.out.println(HEADER);
            return;
        }
        if (args.length < 4 || args.length > 5) {
            throw new IllegalArgumentException("usage: H264QualityBench test-pattern|file:/clip.avi WIDTHxHEIGHT frames dir");
        }
        String[] wh = args[1].split("x");
        int w = Integer.parseInt(wh[0]);
        int h = Integer.parseInt(wh[1]);
        int frames = Integer.parseInt(args[2]);
        Path dir = Path.of(args[3]);
        Files.createDirectories(dir);
        NativeOpenCv.load();
        String name = args[0].equals("test-pattern") ? "test-pattern" : Path.of(args[0]).getFileName().toString();
        String stem = name.replaceAll("\\.[a-z0-9]+$", "") + "-" + w + "x" + h;
        Path raw = dir.resolve(stem + ".bgr");
        Path mjpeg = dir.resolve(stem + ".mjpeg");
        int bitrate = VideoOptions.DEFAULTS.bitrate(w, h, FPS);
        double[] multiples = java.util.Arrays.stream((args.length > 4 ? args[4] : "1").split(","))
                .mapToDouble(Double::parseDouble).toArray();
        int n = multiples.length;
        Path[] mp4 = new Path[n];
        for (int k = 0; k < n; k++) {
            mp4[k] = dir.resolve(stem + (multiples[k] == 1 ? "" : "-x" + fmt(multiples[k])) + ".mp4");
        }

        CameraConfig cfg = new CameraConfig("bench", "Bench", SourceSpec.parse(args[0]), w, h, FPS, QUALITY, List.of());
        int keyframeEvery = FPS * VideoOptions.DEFAULT_KEYFRAME_SECONDS;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        List<Double> jpegMs = new ArrayList<>();
        List<List<Double>> h264Ms = new ArrayList<>();
        long jpegBytes = 0;
        long[] mp4Bytes = new long[n];
        H264Encoder[] h264 = new H264Encoder[n];
        OutputStream[] mp4Out = new OutputStream[n];
        FrameSource source = Sources.create(cfg);
        JpegEncoder jpeg = JpegEncoders.choose(JpegEncoders.AUTO).get();
        Mat frame = new Mat();
        Mat work = new Mat();
        try (OutputStream rawOut = new BufferedOutputStream(Files.newOutputStream(raw), 1 << 20);
             OutputStream jpegOut = new BufferedOutputStream(Files.newOutputStream(mjpeg), 1 << 20)) {
            for (int k = 0; k < n; k++) {
                h264[k] = new H264Encoder(w, h, FPS, (int) Math.round(bitrate * multiples[k]), keyframeEvery);
                mp4Out[k] = new BufferedOutputStream(Files.newOutputStream(mp4[k]), 1 << 20);
                h264Ms.add(new ArrayList<>());
            }
            source.open();
            byte[] pixels = new byte[w * h * 3];
            for (int i = 0; i < frames; i++) {
                source.read(frame);
                Mat m = Pictures.encodable(frame, work);
                if (m.cols() != w || m.rows() != h) {
                    throw new IllegalStateException(name + " gave a " + m.cols() + "x" + m.rows() + " picture, not " + w + "x" + h);
                }
                m.get(0, 0, pixels);
                rawOut.write(pixels);

                long t0 = cpu.getCurrentThreadCpuTime();
                byte[] j = jpeg.encode(m, QUALITY);
                jpegMs.add((cpu.getCurrentThreadCpuTime() - t0) / 1e6);
                jpegOut.write(j);
                jpegBytes += j.length;
                for (int k = 0; k < n; k++) {
                    mp4Bytes[k] += h264(h264[k], m, i, mp4Out[k], h264Ms.get(k), cpu);
                }
            }
        } finally {
            for (int k = 0; k < n; k++) {
                if (h264[k] != null) {
                    h264[k].close();
                }
                if (mp4Out[k] != null) {
                    mp4Out[k].close();
                }
            }
            source.close();
            jpeg.close();
            frame.release();
            work.release();
        }

        double seconds = frames / (double) FPS;
        double[] jpegQ = compare(raw, w, h, mjpeg, "mjpeg");
        double jpegKbs = jpegBytes / 1024.0 / seconds;
        for (int k = 0; k < n; k++) {
            double[] h264Q = compare(raw, w, h, mp4[k], null);
            double mp4Kbs = mp4Bytes[k] / 1024.0 / seconds;
            double h264Median = median(h264Ms.get(k));
            System.out.printf(Locale.ROOT, "| %s | %dx%d | %d | %.0f | %.0f | %.3f (1/%.1f) | %.2f / %.2f | %.2f / %.2f"
                            + " | %.1f, %.1f / %.1f, %.1f | %.4f / %.4f | %.2f | %.2f | %.0f %% | %d%s |%n",
                    name, w, h, frames, jpegKbs, mp4Kbs, mp4Kbs / jpegKbs, jpegKbs / mp4Kbs, jpegQ[0], h264Q[0], jpegQ[1], h264Q[1],
                    jpegQ[3], jpegQ[4], h264Q[3], h264Q[4], jpegQ[2], h264Q[2],
                    median(jpegMs), h264Median, h264Median * FPS / 10, Math.round(bitrate * multiples[k] / 1000),
                    multiples[k] == 1 ? " (default)" : " (" + fmt(multiples[k]) + " × default)");
        }
        if (!Boolean.getBoolean("bench.keepRaw")) {
            Files.delete(raw);
        }
        JpegEncoders.release();
    }

    /** Encodes picture {@code i}, writes its fragment (after the init segment, for the first) and returns the bytes written. */
    private static long h264(H264Encoder encoder, Mat m, int i, OutputStream out, List<Double> ms, ThreadMXBean cpu)
            throws IOException {
        long t0 = cpu.getCurrentThreadCpuTime();
        H264Encoder.Encoded e = encoder.encode(m, Math.round(i * 1000.0 / FPS));
        ms.add((cpu.getCurrentThreadCpuTime() - t0) / 1e6);
        if (e == null) {
            throw new IllegalStateException("OpenH264 skipped picture " + i + "; frame skipping should be off");
        }
        List<AnnexB.Nal> nals = AnnexB.split(e.annexB());
        long written = 0;
        if (i == 0) {
            byte[] sps = AnnexB.first(nals, AnnexB.SPS).orElseThrow().toArray();
            byte[] pps = AnnexB.first(nals, AnnexB.PPS).orElseThrow().toArray();
            byte[] init = Fmp4.init(encoder.width(), encoder.height(), sps, pps, TIMESCALE);
            out.write(init);
            written += init.length;
        }
        byte[] sample = AnnexB.toAvcc(nals);
        // Exact times on the 30 frames/s timeline, as a camera that keeps its rate gives them.
        long time = Math.round(i * (double) TIMESCALE / FPS);
        int duration = (int) (Math.round((i + 1) * (double) TIMESCALE / FPS) - time);
        byte[] fragment = Fmp4.fragment(i + 1, time, duration, e.keyframe(), sample, 0, sample.length);
        out.write(fragment);
        return written + fragment.length;
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }

    /**
     * PSNR of Y (dB, average over frames, and the worst frame's), SSIM (All), and PSNR of U and V of {@code encoded}
     * against the raw frames.
     */
    private static double[] compare(Path raw, int w, int h, Path encoded, String format) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostats", "-loglevel", "info",
                "-f", "rawvideo", "-pix_fmt", "bgr24", "-video_size", w + "x" + h, "-framerate", Integer.toString(FPS),
                "-i", raw.toString()));
        if (format != null) {
            cmd.addAll(List.of("-f", format, "-framerate", Integer.toString(FPS)));
        }
        cmd.addAll(List.of("-i", encoded.toString(), "-filter_complex",
                // Frame numbers, not container times, pair the frames (microsecond times round off the 1/30 s grid).
                // Compared in 4:2:0 YUV, both codecs' own form: in RGB the chroma subsampling both share hides the rest.
                "[0:v]settb=1/" + FPS + ",setpts=N,format=yuv420p,split[r1][r2];"
                        + "[1:v]settb=1/" + FPS + ",setpts=N,format=yuv420p,split[d1][d2];"
                        + "[d1][r1]psnr=shortest=1[p];[d2][r2]ssim=shortest=1[s]",
                "-map", "[p]", "-f", "null", "-", "-map", "[s]", "-f", "null", "-"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("ffmpeg failed on " + encoded + ":\n" + out);
        }
        Matcher psnr = PSNR.matcher(out);
        Matcher ssim = SSIM.matcher(out);
        if (!psnr.find() || !ssim.find()) {
            throw new IOException("no PSNR or SSIM in ffmpeg's output for " + encoded + ":\n" + out);
        }
        return new double[] {db(psnr.group(1)), db(psnr.group(4)), Double.parseDouble(ssim.group(1)), db(psnr.group(2)),
                db(psnr.group(3))};
    }

    private static double db(String s) {
        return s.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(s);
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length == 0 ? Double.NaN : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
