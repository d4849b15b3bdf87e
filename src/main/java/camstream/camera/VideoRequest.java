package camstream.camera;

/**
 * What a viewer asks of a camera's H.264 stream: at most this wide and this high (aspect kept, never
 * enlarged) and at most this many frames a second. 0 means not asked: the camera's own. Unlike a
 * JPEG viewer's frame rate cap, a lower rate is its own encode: a viewer cannot leave out frames
 * that later ones refer to.
 */
public record VideoRequest(int maxWidth, int maxHeight, double fps) {

    /** The camera's own H.264 stream. */
    public static final VideoRequest MAIN = new VideoRequest(0, 0, 0);

    // Written out, as VariantRequest's are: the generated ones kept the webapp's class loader after undeploy.
    @Override
    public boolean equals(Object o) {
        return o instanceof VideoRequest r && r.maxWidth == maxWidth && r.maxHeight == maxHeight
                && Double.compare(r.fps, fps) == 0;
    }

    @Override
    public int hashCode() {
        return (maxWidth * 31 + maxHeight) * 31 + Double.hashCode(fps);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** As the query that asks for it, e.g. {@code width=320&fps=10}; empty for the main stream. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (maxWidth > 0) {
            b.append("width=").append(maxWidth);
        }
        if (maxHeight > 0) {
            b.append(b.length() > 0 ? "&" : "").append("height=").append(maxHeight);
        }
        if (fps > 0) {
            b.append(b.length() > 0 ? "&" : "").append("fps=").append(fps == Math.rint(fps) ? Long.toString((long) fps)
                    : Double.toString(fps));
        }
        return b.toString();
    }

    /** The size, packed by {@link VariantRequest#pack}, of a picture of {@code size} fitted to this request. */
    long fit(long size) {
        return VariantRequest.fit(VariantRequest.width(size), VariantRequest.height(size), maxWidth, maxHeight);
    }
}
