package camstream.encode;

import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/** JPEG through OpenCV's bundled libjpeg-turbo ({@code imencode}). */
public final class OpenCvJpegEncoder implements JpegEncoder {

    private final MatOfByte buffer = new MatOfByte();
    private MatOfInt params;
    private int paramsQuality = -1;

    @Override
    public byte[] encode(Mat bgr, int quality) {
        if (quality != paramsQuality) {
            if (params != null) {
                params.release();
            }
            params = new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality);
            paramsQuality = quality;
        }
        if (!Imgcodecs.imencode(".jpg", bgr, buffer, params)) {
            throw new IllegalStateException("imencode failed for a " + bgr.cols() + "x" + bgr.rows() + " image");
        }
        return buffer.toArray();
    }

    @Override
    public String name() {
        return "OpenCV imencode";
    }

    @Override
    public void close() {
        buffer.release();
        if (params != null) {
            params.release();
        }
    }
}
