package camstream.camera;

import java.util.ArrayList;
import java.util.List;

/**
 * What a viewer asks of a camera's picture: at most this wide and this high (aspect kept, never
 * enlarged) and this JPEG quality. 0 means not asked: the camera's own size or quality.
 */
public record VariantRequest(int maxWidth, int maxHeight, int quality) {

    /** The camera's own stream. */
    public static final VariantRequest MAIN = new VariantRequest(0, 0, 0);

    // Written out: the generated ones bootstrap through java.lang.invoke (ObjectMethods), and with them
    // Tomcat's findleaks still found this webapp's class loader after undeploy (ManagerDeployIT).
    @Override
    public boolean equals(Object o) {
        return o instanceof VariantRequest r && r.maxWidth == maxWidth && r.maxHeight == maxHeight && r.quality == quality;
    }

    @Override
    public int hashCode() {
        return (maxWidth * 31 + maxHeight) * 31 + quality;
    }

    /** As the query that asks for it, e.g. {@code width=320&quality=50}; empty for the main stream. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (maxWidth > 0) {
            parts.add("width=" + maxWidth);
        }
        if (maxHeight > 0) {
            parts.add("height=" + maxHeight);
        }
        if (quality > 0) {
            parts.add("quality=" + quality);
        }
        return String.join("&", parts);
    }

    /**
     * The size, packed by {@link #pack}, of a {@code width} x {@code height} picture scaled down to fit
     * {@code maxWidth} x {@code maxHeight}, aspect kept; the picture's own size if it fits already.
     */
    static long fit(int width, int height, int maxWidth, int maxHeight) {
        double s = 1;
        if (maxWidth > 0 && maxWidth < width) {
            s = maxWidth / (double) width;
        }
        if (maxHeight > 0 && maxHeight < height) {
            s = Math.min(s, maxHeight / (double) height);
        }
        if (s >= 1) {
            return pack(width, height);
        }
        int w = (int) Math.max(1, Math.min(maxWidth > 0 ? maxWidth : width, Math.round(width * s)));
        int h = (int) Math.max(1, Math.min(maxHeight > 0 ? maxHeight : height, Math.round(height * s)));
        return pack(w, h);
    }

    long fit(long size) {
        return fit(width(size), height(size), maxWidth, maxHeight);
    }

    static long pack(int width, int height) {
        return (long) width << 32 | height;
    }

    static int width(long size) {
        return (int) (size >>> 32);
    }

    static int height(long size) {
        return (int) size;
    }
}
