package camstream.encode;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * JPEG through the system's libjpeg-turbo (SIMD), about five times faster than the copy inside
 * OpenCV's bundled build. TurboJPEG reads the {@code Mat}'s pixels in place and writes into one
 * output buffer kept for the encoder's life; the only copy is the final one into the Java array.
 * {@link TurboJpeg#load} must have succeeded before one is made.
 */
public final class TurboJpegEncoder implements JpegEncoder {

    private final TurboJpeg.Functions tj = TurboJpeg.tj();
    private Pointer handle;
    // Two pointer-sized native slots: the output buffer's address and the JPEG size tjCompress2 writes back.
    private Pointer slots;
    private Pointer buffer;
    private long capacity;
    private int bufferWidth;
    private int bufferHeight;
    private int bufferSubsamp = -1;

    public TurboJpegEncoder() {
        Pointer h = tj.tjInitCompress();
        if (h == null) {
            throw new IllegalStateException("tjInitCompress failed: " + tj.tjGetErrorStr2(null));
        }
        Pointer s = tj.tjAlloc(2 * Native.POINTER_SIZE);
        if (s == null) {
            tj.tjDestroy(h);
            throw new OutOfMemoryError("tjAlloc");
        }
        handle = h;
        slots = s;
    }

    @Override
    public byte[] encode(Mat image, int quality) {
        if (handle == null) {
            throw new IllegalStateException("encoder is closed");
        }
        int format;
        int subsamp = TurboJpeg.TJSAMP_420;
        int type = image.type();
        if (type == CvType.CV_8UC3) {
            format = TurboJpeg.TJPF_BGR;
        } else if (type == CvType.CV_8UC4) {
            format = TurboJpeg.TJPF_BGRX;
        } else if (type == CvType.CV_8UC1) {
            format = TurboJpeg.TJPF_GRAY;
            subsamp = TurboJpeg.TJSAMP_GRAY;
        } else {
            throw new IllegalArgumentException("cannot encode an image of type " + CvType.typeToString(type));
        }
        int width = image.cols();
        int height = image.rows();
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("cannot encode an empty image");
        }
        ensureBuffer(width, height, subsamp);
        long pitch = image.step1(0) * image.elemSize1();
        slots.setPointer(0, buffer);
        int rc = tj.tjCompress2(handle, new Pointer(image.dataAddr()), width, (int) pitch, height, format,
                slots, slots.share(Native.POINTER_SIZE), subsamp, quality, TurboJpeg.TJFLAG_NOREALLOC);
        if (rc != 0) {
            throw new IllegalStateException("tjCompress2 failed for a " + width + "x" + height + " image: "
                    + tj.tjGetErrorStr2(handle));
        }
        long size = slots.getNativeLong(Native.POINTER_SIZE).longValue();
        if (size <= 0 || size > capacity) {
            throw new IllegalStateException("tjCompress2 returned " + size + " bytes for a buffer of " + capacity);
        }
        return buffer.getByteArray(0, (int) size);
    }

    /** Sizes the output buffer for the worst case, so TurboJPEG never has to reallocate it. */
    private void ensureBuffer(int width, int height, int subsamp) {
        if (buffer != null && width == bufferWidth && height == bufferHeight && subsamp == bufferSubsamp) {
            return;
        }
        long need = tj.tjBufSize(width, height, subsamp).longValue();
        if (need <= 0 || need > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot encode a " + width + "x" + height + " image");
        }
        freeBuffer();
        Pointer p = tj.tjAlloc((int) need);
        if (p == null) {
            throw new OutOfMemoryError("tjAlloc(" + need + ")");
        }
        buffer = p;
        capacity = need;
        bufferWidth = width;
        bufferHeight = height;
        bufferSubsamp = subsamp;
    }

    private void freeBuffer() {
        if (buffer != null) {
            tj.tjFree(buffer);
            buffer = null;
            capacity = 0;
        }
    }

    @Override
    public String name() {
        return "TurboJPEG";
    }

    @Override
    public void close() {
        if (handle == null) {
            return;
        }
        freeBuffer();
        tj.tjFree(slots);
        tj.tjDestroy(handle);
        slots = null;
        handle = null;
    }
}
