package camstream.encode;

import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** Makes any image a source delivers into one the JPEG encoders take: 8 bit, with 1, 3 or 4 channels. */
public final class Pictures {

    private Pictures() {
    }

    /**
     * Returns {@code image} itself when it can be encoded as it is, else its 8-bit conversion written
     * into {@code scratch}. Throws IllegalArgumentException, with a message for viewers, for an image
     * that cannot be shown (empty, or 2 or more than 4 channels).
     */
    public static Mat encodable(Mat image, Mat scratch) {
        if (image.empty()) {
            throw new IllegalArgumentException("got an empty image");
        }
        int channels = image.channels();
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new IllegalArgumentException("cannot show an image of type " + CvType.typeToString(image.type()));
        }
        double scale;
        double shift = 0;
        switch (image.depth()) {
            case CvType.CV_8U -> {
                return image;
            }
            case CvType.CV_8S -> {
                scale = 1;
                shift = 128;
            }
            case CvType.CV_16U -> scale = 1 / 256.0;
            case CvType.CV_16S -> {
                scale = 1 / 256.0;
                shift = 128;
            }
            case CvType.CV_32S -> {
                scale = 1 / 16_777_216.0;
                shift = 128;
            }
            // Floating-point images hold 0..1.
            default -> scale = 255;
        }
        image.convertTo(scratch, CvType.CV_8U, scale, shift);
        return scratch;
    }
}
