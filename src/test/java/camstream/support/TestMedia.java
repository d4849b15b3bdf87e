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
