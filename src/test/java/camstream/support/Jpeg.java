package camstream.support;

import camstream.NativeOpenCv;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/** Decodes JPEG bytes with OpenCV, as a client would. */
public final class Jpeg {

    static {
        NativeOpenCv.load();
    }

    private Jpeg() {
    }

    /** Decodes {@code jpeg}; fails if it is not a decodable JPEG. The caller releases the Mat. */
    public static Mat decode(byte[] jpeg) {
        MatOfByte buf = new MatOfByte(jpeg);
        try {
            Mat m = Imgcodecs.imdecode(buf, Imgcodecs.IMREAD_COLOR);
            if (m.empty()) {
                throw new AssertionError("not a decodable JPEG (" + jpeg.length + " bytes)");
            }
            return m;
        } finally {
            buf.release();
        }
    }

    /** "WIDTHxHEIGHT" of a JPEG. */
    public static String size(byte[] jpeg) {
        Mat m = decode(jpeg);
        try {
            return m.cols() + "x" + m.rows();
        } finally {
            m.release();
        }
    }
}
