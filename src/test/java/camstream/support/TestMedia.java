package camstream.support;

import camstream.NativeOpenCv;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.videoio.VideoWriter;
import org.opencv.videoio.Videoio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pictures and files for the file-source tests. Picture {@code n} is a flat grey whose level encodes
 * n, so that it survives JPEG compression and depth conversion and the order of frames can be checked.
 */
public final class TestMedia {

    public static final int WIDTH = 320;
    public static final int HEIGHT = 240;

    static {
        NativeOpenCv.load();
    }

    private TestMedia() {
    }

    /** Grey level of picture n, for n up to 40. */
    public static int level(int n) {
        return 8 + 6 * n;
    }

    /** The number of an 8-bit picture made by {@link #picture}. */
    public static int number(Mat picture) {
        return (int) Math.round((Core.mean(picture).val[0] - 8) / 6);
    }

    /** The number of a JPEG of a picture made by {@link #picture}. */
    public static int number(byte[] jpeg) {
        Mat m = Jpeg.decode(jpeg);
        try {
            return number(m);
        } finally {
            m.release();
        }
    }

    /**
     * Picture n as {@code type}: CV_8UC3, CV_8UC1, CV_8UC4 (opaque) or CV_16UC3 (whose top byte is the
     * level). The caller releases it.
     */
    public static Mat picture(int n, int type) {
        double v = CvType.depth(type) == CvType.CV_16U ? level(n) * 256 : level(n);
        return new Mat(HEIGHT, WIDTH, type, new Scalar(v, v, v, CvType.depth(type) == CvType.CV_16U ? 65535 : 255));
    }

    /** The bytes of picture n as {@code type}, encoded by OpenCV in the format of {@code ext} (".jpg", ".png"). */
    public static byte[] encoded(int n, int type, String ext) {
        Mat m = picture(n, type);
        MatOfByte buf = new MatOfByte();
        try {
            if (!Imgcodecs.imencode(ext, m, buf)) {
                throw new AssertionError("OpenCV cannot write " + CvType.typeToString(type) + " as " + ext);
            }
            return buf.toArray();
        } finally {
            m.release();
            buf.release();
        }
    }

    /** Writes picture n as an 8-bit colour JPEG. */
    public static void writeJpeg(Path file, int n) throws IOException {
        Files.write(file, encoded(n, CvType.CV_8UC3, ".jpg"));
    }

    /** BGR colours of the quadrants of {@link #writeQuadrants}: red, green, blue, white. */
    public static final Scalar RED = new Scalar(0, 0, 255);
    public static final Scalar GREEN = new Scalar(0, 255, 0);
    public static final Scalar BLUE = new Scalar(255, 0, 0);
    public static final Scalar WHITE = new Scalar(255, 255, 255);

    /**
     * Writes a picture that shows which way up it is: {@link #WIDTH} x {@link #HEIGHT}, red top left,
     * green top right, blue bottom left, white bottom right.
     */
    public static void writeQuadrants(Path file) throws IOException {
        Mat m = new Mat(HEIGHT, WIDTH, CvType.CV_8UC3, WHITE);
        try {
            m.submat(0, HEIGHT / 2, 0, WIDTH / 2).setTo(RED);
            m.submat(0, HEIGHT / 2, WIDTH / 2, WIDTH).setTo(GREEN);
            m.submat(HEIGHT / 2, HEIGHT, 0, WIDTH / 2).setTo(BLUE);
            write(file, m);
        } finally {
            m.release();
        }
    }

    /**
     * The colours of the four quadrants of a JPEG, as letters (R, G, B, W, or ? for none of them), in the
     * order top left, top right, bottom left, bottom right: "RGBW" for {@link #writeQuadrants}'s picture.
     */
    public static String quadrants(byte[] jpeg) {
        Mat m = Jpeg.decode(jpeg);
        try {
            int w = m.cols();
            int h = m.rows();
            StringBuilder s = new StringBuilder();
            for (int[] at : new int[][] {{w / 4, h / 4}, {3 * w / 4, h / 4}, {w / 4, 3 * h / 4}, {3 * w / 4, 3 * h / 4}}) {
                int r = Math.max(2, Math.min(w, h) / 16);
                Scalar mean = Core.mean(m.submat(at[1] - r, at[1] + r, at[0] - r, at[0] + r));
                s.append(colour(mean));
            }
            return s.toString();
        } finally {
            m.release();
        }
    }

    private static char colour(Scalar bgr) {
        double b = bgr.val[0];
        double g = bgr.val[1];
        double r = bgr.val[2];
        if (r > 200 && g > 200 && b > 200) {
            return 'W';
        }
        if (r > 180 && g < 80 && b < 80) {
            return 'R';
        }
        if (g > 180 && r < 80 && b < 80) {
            return 'G';
        }
        if (b > 180 && r < 80 && g < 80) {
            return 'B';
        }
        return '?';
    }

    /** Writes a flat grey picture of {@code level}, {@link #WIDTH} x {@link #HEIGHT}. */
    public static void writeFlat(Path file, int level) throws IOException {
        Mat m = new Mat(HEIGHT, WIDTH, CvType.CV_8UC3, new Scalar(level, level, level));
        try {
            write(file, m);
        } finally {
            m.release();
        }
    }

    private static void write(Path file, Mat m) throws IOException {
        MatOfByte buf = new MatOfByte();
        try {
            if (!Imgcodecs.imencode(".jpg", m, buf)) {
                throw new AssertionError("OpenCV cannot write a JPEG");
            }
            Files.write(file, buf.toArray());
        } finally {
            buf.release();
        }
    }

    /** Writes pictures 0 to frames-1 as an MJPEG AVI with OpenCV's own writer, which adds an idx1 index. */
    public static void writeAvi(Path file, int frames, double fps) {
        VideoWriter w = new VideoWriter(file.toString(), Videoio.CAP_OPENCV_MJPEG,
                VideoWriter.fourcc('M', 'J', 'P', 'G'), fps, new Size(WIDTH, HEIGHT));
        if (!w.isOpened()) {
            throw new AssertionError("OpenCV's MJPEG writer does not open " + file);
        }
        for (int i = 0; i < frames; i++) {
            Mat m = picture(i, CvType.CV_8UC3);
            w.write(m);
            m.release();
        }
        w.release();
    }

    /**
     * Where the payloads of the 00dc chunks of an AVI written by {@link #writeAvi} start, for the
     * whole chunks only: a file cut short has fewer. Walks OpenCV's layout, not AVIs in general.
     */
    public static List<Integer> framePayloads(byte[] avi) {
        ByteBuffer b = ByteBuffer.wrap(avi).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> at = new ArrayList<>();
        int p = indexOf(avi, "00dc");
        while (p >= 0 && p + 8 <= avi.length && new String(avi, p, 4, StandardCharsets.ISO_8859_1).equals("00dc")) {
            int size = b.getInt(p + 4);
            if (p + 8 + size > avi.length) {
                break;
            }
            at.add(p + 8);
            p += 8 + size + (size & 1);
        }
        return at;
    }

    private static int indexOf(byte[] data, String ascii) {
        byte[] s = ascii.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + s.length <= data.length; i++) {
            for (int j = 0; j < s.length; j++) {
                if (data[i + j] != s[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
