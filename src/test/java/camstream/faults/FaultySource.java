package camstream.faults;

import camstream.config.CameraConfig;
import camstream.source.FrameSource;
import camstream.source.SourceException;
import camstream.source.SourceProvider;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A source for tests that misbehaves on cue: {@code faulty:STEP,STEP,...}, played once from the
 * first read, then good frames for ever. The script goes on across reopens, as a real device's
 * troubles would. Good frames are flat green ({@link #GOOD}) with a moving white square.
 * <ul>
 *   <li>{@code ok*N}: N good frames</li>
 *   <li>{@code throw}: the read throws an unexpected IllegalStateException</li>
 *   <li>{@code 16UC3}, {@code 8UC4}, {@code 8UC1}, {@code 32FC3}, {@code 8UC2}...: one frame of that OpenCV type</li>
 *   <li>{@code hang=S}: the read blocks S seconds, deaf to interrupts like a native call, then returns a good frame</li>
 *   <li>{@code openhang=S}: the next open blocks S seconds the same way, then succeeds</li>
 *   <li>{@code openfail}: the next open fails</li>
 * </ul>
 * Packaged into a jar with its service file by {@link FaultsJar}; it never goes into the product's WAR.
 */
public final class FaultySource implements FrameSource {

    /** BGR of a good frame. */
    public static final Scalar GOOD = new Scalar(0, 160, 0);

    /** @param n how many reads the step lasts, @param seconds how long a hang lasts */
    private record Step(String kind, int n, int seconds) {
    }

    private final CameraConfig cfg;
    private final List<Step> steps = new ArrayList<>();
    private int step;
    private int done;
    private long frames;

    FaultySource(CameraConfig cfg, String script) {
        this.cfg = cfg;
        for (String s : script.split(",")) {
            String t = s.trim();
            if (t.startsWith("ok*")) {
                steps.add(new Step("ok", Integer.parseInt(t.substring(3)), 0));
            } else if (t.startsWith("hang=") || t.startsWith("openhang=")) {
                steps.add(new Step(t.substring(0, t.indexOf('=')), 1, Integer.parseInt(t.substring(t.indexOf('=') + 1))));
            } else if (t.equals("throw") || t.equals("openfail")) {
                steps.add(new Step(t, 1, 0));
            } else if (t.matches("\\d+[USF]C\\d")) {
                steps.add(new Step(t.toUpperCase(Locale.ROOT), 1, 0));
            } else {
                throw new IllegalArgumentException("unknown step '" + t + "'");
            }
        }
    }

    private Step current() {
        return step < steps.size() ? steps.get(step) : new Step("ok", Integer.MAX_VALUE, 0);
    }

    private void advance() {
        if (++done >= current().n()) {
            step++;
            done = 0;
        }
    }

    @Override
    public void open() throws SourceException {
        Step s = current();
        if (s.kind().equals("openhang")) {
            advance();
            hang(s.seconds());
        } else if (s.kind().equals("openfail")) {
            advance();
            throw new SourceException("injected open failure");
        }
    }

    @Override
    public void read(Mat frame) {
        Step s = current();
        advance();
        switch (s.kind()) {
            case "throw" -> throw new IllegalStateException("injected fault");
            case "hang" -> {
                hang(s.seconds());
                good(frame);
            }
            case "ok", "openhang", "openfail" -> good(frame);
            default -> odd(frame, s.kind());
        }
    }

    private void good(Mat frame) {
        frame.create(cfg.height(), cfg.width(), CvType.CV_8UC3);
        frame.setTo(GOOD);
        int side = Math.max(8, cfg.height() / 8);
        int x = (int) (frames++ * 7 % Math.max(1, cfg.width() - side));
        Imgproc.rectangle(frame, new Point(x, cfg.height() / 2.0), new Point(x + side, cfg.height() / 2.0 + side),
                new Scalar(255, 255, 255), Imgproc.FILLED);
    }

    /** A frame of an unusual type that still shows green once converted to 8-bit BGR. */
    private void odd(Mat frame, String type) {
        int t = switch (type) {
            case "16UC3" -> CvType.CV_16UC3;
            case "16UC1" -> CvType.CV_16UC1;
            case "8UC4" -> CvType.CV_8UC4;
            case "8UC1" -> CvType.CV_8UC1;
            case "8UC2" -> CvType.CV_8UC2;
            case "32FC3" -> CvType.CV_32FC3;
            case "64FC3" -> CvType.CV_64FC3;
            default -> throw new IllegalStateException("no such test type " + type);
        };
        double scale = switch (CvType.depth(t)) {
            case CvType.CV_16U -> 256;
            case CvType.CV_32F, CvType.CV_64F -> 1 / 255.0;
            default -> 1;
        };
        frame.create(cfg.height(), cfg.width(), t);
        frame.setTo(CvType.channels(t) < 3 ? new Scalar(GOOD.val[1] * scale, GOOD.val[1] * scale)
                : new Scalar(GOOD.val[0] * scale, GOOD.val[1] * scale, GOOD.val[2] * scale, 255 * scale));
    }

    /** Blocks like a native call: interrupts do not end it. */
    private static void hang(int seconds) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        boolean interrupted = false;
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public double pacingFps() {
        return cfg.fps();
    }

    @Override
    public String describe() {
        return "faulty source";
    }

    @Override
    public void close() {
    }

    /** {@code faulty:SCRIPT}. */
    public static final class Provider implements SourceProvider {

        @Override
        public String name() {
            return "faulty";
        }

        @Override
        public FrameSource create(CameraConfig camera, String argument) {
            return new FaultySource(camera, argument);
        }
    }
}
