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
 * file) and the fMP4 under {@code dir}; ffmpeg decodes both, converts them back to RGB as a viewer's
 * screen would, and computes PSNR and SSIM over R, G and B against the raw frames. The raw file is
 * deleted afterwards. Encode times are the encoding thread's CPU time (not wall time), so that other
 * processes on the machine do not inflate them. Prints one Markdown table row.
 *
 * <pre>java -cp ... camstream.bench.H264QualityBench test-pattern|file:/clip.avi WIDTHxHEIGHT frames dir</pre>
 */
public final class H264QualityBench {

    private static final int QUALITY = 80;
    private static final int FPS = 30;
    private static final int TIMESCALE = 1_000_000;
    private static final Pattern PSNR = Pattern.compile("PSNR .*average:([0-9.]+|inf)");
    private static final Pattern SSIM = Pattern.compile("SSIM .*All:([0-9.]+)");

    public static final String HEADER = "| source | size | frames | MJPEG KB/s | H.264 KB/s (fMP4) | H.264 / MJPEG bytes"
            + " | PSNR dB MJPEG / H.264 | SSIM MJPEG / H.264 | JPEG encode ms (CPU, median) | H.264 encode ms (CPU, median)"
            + " | H.264 encode at 30 fps, % of a core | H.264 target kbit/s |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|";

    private H264QualityBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
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
        Path mp4 = dir.resolve(stem + ".mp4");

        CameraConfig cfg = new CameraConfig("bench", "Bench", SourceSpec.parse(args[0]), w, h, FPS, QUALITY, List.of());
        int bitrate = VideoOptions.DEFAULTS.bitrate(w, h, FPS);
        int keyframeEvery = FPS * VideoOptions.DEFAULT_KEYFRAME_SECONDS;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        List<Double> jpegMs = new ArrayList<>();
        List<Double> h264Ms = new ArrayList<>();
        long jpegBytes = 0;
        long mp4Bytes = 0;
        FrameSource source = Sources.create(cfg);
        JpegEncoder jpeg = JpegEncoders.choose(JpegEncoders.AUTO).get();
        Mat frame = new Mat();
        Mat work = new Mat();
        try (H264Encoder h264 = new H264Encoder(w, h, FPS, bitrate, keyframeEvery);
             OutputStream rawOut = new BufferedOutputStream(Files.newOutputStream(raw), 1 << 20);
             OutputStream jpegOut = new BufferedOutputStream(Files.newOutputStream(mjpeg), 1 << 20);
             OutputStream mp4Out = new BufferedOutputStream(Files.newOutputStream(mp4), 1 << 20)) {
            source.open();
            byte[] pixels = new byte[w * h * 3];
            boolean initWritten = false;
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
                long t1 = cpu.getCurrentThreadCpuTime();
                H264Encoder.Encoded e = h264.encode(m, Math.round(i * 1000.0 / FPS));
                long t2 = cpu.getCurrentThreadCpuTime();
                jpegMs.add((t1 - t0) / 1e6);
                h264Ms.add((t2 - t1) / 1e6);
                jpegOut.write(j);
                jpegBytes += j.length;
                if (e == null) {
                    throw new IllegalStateException("OpenH264 skipped picture " + i + "; frame skipping should be off");
                }
                List<AnnexB.Nal> nals = AnnexB.split(e.annexB());
                if (!initWritten) {
                    byte[] sps = AnnexB.first(nals, AnnexB.SPS).orElseThrow().toArray();
                    byte[] pps = AnnexB.first(nals, AnnexB.PPS).orElseThrow().toArray();
                    byte[] init = Fmp4.init(w, h, sps, pps, TIMESCALE);
                    mp4Out.write(init);
                    initWritten = true;
                }
                byte[] sample = AnnexB.toAvcc(nals);
                // Exact times on the 30 frames/s timeline, as a camera that keeps its rate gives them.
                long time = Math.round(i * (double) TIMESCALE / FPS);
                int duration = (int) (Math.round((i + 1) * (double) TIMESCALE / FPS) - time);
                byte[] fragment = Fmp4.fragment(i + 1, time, duration, e.keyframe(), sample, 0, sample.length);
                mp4Out.write(fragment);
                mp4Bytes += fragment.length;
            }
        } finally {
            source.close();
            jpeg.close();
            frame.release();
            work.release();
        }

        double seconds = frames / (double) FPS;
        double[] jpegQ = compare(raw, w, h, mjpeg, "mjpeg");
        double[] h264Q = compare(raw, w, h, mp4, null);
        Files.delete(raw);
        double jpegKbs = jpegBytes / 1024.0 / seconds;
        double mp4Kbs = mp4Bytes / 1024.0 / seconds;
        double h264Median = median(h264Ms);
        System.out.printf(Locale.ROOT, "| %s | %dx%d | %d | %.0f | %.0f | %.3f (1/%.1f) | %.2f / %.2f | %.4f / %.4f | %.2f | %.2f | %.0f %% | %d |%n",
                name, w, h, frames, jpegKbs, mp4Kbs, mp4Kbs / jpegKbs, jpegKbs / mp4Kbs, jpegQ[0], h264Q[0], jpegQ[1], h264Q[1],
                median(jpegMs), h264Median, h264Median * FPS / 10, bitrate / 1000);
        JpegEncoders.release();
    }

    /** PSNR (dB, average over frames) and SSIM (All) of {@code encoded} against the raw frames, in RGB. */
    private static double[] compare(Path raw, int w, int h, Path encoded, String format) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostats", "-loglevel", "info",
                "-f", "rawvideo", "-pix_fmt", "bgr24", "-video_size", w + "x" + h, "-framerate", Integer.toString(FPS),
                "-i", raw.toString()));
        if (format != null) {
            cmd.addAll(List.of("-f", format, "-framerate", Integer.toString(FPS)));
        }
        cmd.addAll(List.of("-i", encoded.toString(), "-filter_complex",
                // Frame numbers, not container times, pair the frames; each side goes to RGB as a screen shows it.
                "[0:v]setpts=N/(" + FPS + "*TB),format=gbrp,split[r1][r2];"
                        + "[1:v]setpts=N/(" + FPS + "*TB),format=gbrp,split[d1][d2];"
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
        return new double[] {psnr.group(1).equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(psnr.group(1)),
                Double.parseDouble(ssim.group(1))};
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length == 0 ? Double.NaN : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
