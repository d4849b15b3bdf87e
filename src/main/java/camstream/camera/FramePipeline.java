package camstream.camera;

import camstream.config.CameraConfig;
import camstream.encode.JpegEncoder;
import camstream.encode.JpegSize;
import camstream.encode.Pictures;
import camstream.stream.Broadcaster;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * What the capture thread does with each picture: transform it once (rotate, flip, overlay), encode
 * it once for the main stream if anyone watches that, then once for each distinct size and quality
 * the active variants ask for (variants that come out alike share one encode), and publish each JPEG
 * to every stream that asked for it. Used by the capture thread only; {@link #close} frees its pictures.
 */
final class FramePipeline implements AutoCloseable {

    /** One encode of a frame and the streams that get it. */
    private static final class Output {
        int width;
        int height;
        int quality;
        final List<Broadcaster> to = new ArrayList<>(2);
    }

    private final CameraConfig cfg;
    private final Broadcaster main;
    private final Variants variants;
    private final Transform transform;
    private final boolean dropDuplicates;
    private final AtomicLong encoded;
    private final AtomicLong duplicates;
    private final LongConsumer encodeNanos;
    private final Mat scratch = new Mat();
    /** Downscaled pictures by size, reused from frame to frame while a variant of that size exists. */
    private final Map<Long, Mat> scaled = new HashMap<>();
    private final List<Output> outputs = new ArrayList<>();
    private int outputCount;
    /** Size of the last transformed picture, packed by {@link VariantRequest#pack}; 0 before the first. */
    private volatile long size;

    /**
     * @param encoded     counts every encode
     * @param duplicates  counts the pictures not sent because they were the same as the one before
     * @param encodeNanos told how long each encode took
     */
    FramePipeline(CameraConfig cfg, Broadcaster main, Variants variants, AtomicLong encoded, AtomicLong duplicates,
                  LongConsumer encodeNanos) {
        this.cfg = cfg;
        this.main = main;
        this.variants = variants;
        this.transform = Transform.of(cfg.processing());
        this.dropDuplicates = cfg.processing().dropDuplicates();
        this.encoded = encoded;
        this.duplicates = duplicates;
        this.encodeNanos = encodeNanos;
    }

    /**
     * Whether a picture must be decoded to pixels: a transform is set, or a variant is being made. A
     * source that yields ready JPEG bytes can otherwise {@link #publishAsIs} them.
     */
    boolean needsPixels() {
        return transform != null || variants.any();
    }

    /** Size of the last picture sent, after the transform; 0 before the first. Any thread. */
    long size() {
        return size;
    }

    /**
     * Transforms, encodes and publishes one picture to the main stream, if anyone watches it and
     * {@code mainSent} is false (its JPEG went out {@link #publishAsIs as it came}), and to each variant.
     * May draw on {@code image}. Returns the encodes it took.
     */
    int process(Mat image, long captureMicros, JpegEncoder encoder, boolean mainSent) {
        Mat picture = Pictures.encodable(image, scratch);
        if (transform != null) {
            picture = transform.apply(picture, captureMicros);
        }
        int w = picture.cols();
        int h = picture.rows();
        long full = VariantRequest.pack(w, h);
        size = full;
        outputCount = 0;
        if (!mainSent && main.hasDemand()) {
            output(w, h, cfg.quality(), main);
        }
        for (Variants.Variant v : variants.active()) {
            long s = v.request.fit(full);
            v.size = s;
            output(VariantRequest.width(s), VariantRequest.height(s),
                    v.request.quality() > 0 ? v.request.quality() : cfg.quality(), v.broadcaster);
        }
        for (int i = 0; i < outputCount; i++) {
            Output o = outputs.get(i);
            Mat source = o.width == w && o.height == h ? picture : scaled(picture, o.width, o.height);
            long t0 = System.nanoTime();
            byte[] jpeg = encoder.encode(source, o.quality);
            encoded.incrementAndGet();
            encodeNanos.accept(System.nanoTime() - t0);
            for (Broadcaster b : o.to) {
                publish(b, jpeg, captureMicros);
            }
        }
        int encodes = outputCount;
        releaseUnusedScaled();
        return encodes;
    }

    /**
     * Publishes {@code jpeg[0, length)} as the source gave it to the main stream: no decode, no encode.
     * For a camera without transforms; variants, if any, still need {@link #process}.
     */
    void publishAsIs(byte[] jpeg, int length, long captureMicros) {
        long s = JpegSize.of(jpeg, length);
        if (s != 0 && s != size) {
            size = s;
        }
        publish(main, jpeg, length, captureMicros);
    }

    private void publish(Broadcaster b, byte[] jpeg, long captureMicros) {
        publish(b, jpeg, jpeg.length, captureMicros);
    }

    private void publish(Broadcaster b, byte[] jpeg, int length, long captureMicros) {
        if (dropDuplicates) {
            if (b.publishChanged(jpeg, length, captureMicros) == null) {
                duplicates.incrementAndGet();
            }
        } else {
            b.publish(jpeg, length, captureMicros, false);
        }
    }

    /** Adds {@code to} to the output of that size and quality, making the output if there is none yet. */
    private void output(int width, int height, int quality, Broadcaster to) {
        for (int i = 0; i < outputCount; i++) {
            Output o = outputs.get(i);
            if (o.width == width && o.height == height && o.quality == quality) {
                o.to.add(to);
                return;
            }
        }
        if (outputCount == outputs.size()) {
            outputs.add(new Output());
        }
        Output o = outputs.get(outputCount++);
        o.width = width;
        o.height = height;
        o.quality = quality;
        o.to.clear();
        o.to.add(to);
    }

    private Mat scaled(Mat picture, int width, int height) {
        Mat m = scaled.computeIfAbsent(VariantRequest.pack(width, height), k -> new Mat());
        // INTER_AREA: the average of the pixels each one covers, no aliasing when shrinking.
        Imgproc.resize(picture, m, new Size(width, height), 0, 0, Imgproc.INTER_AREA);
        return m;
    }

    /** Frees the downscaled pictures of sizes no longer made, and lets go of this frame's streams. */
    private void releaseUnusedScaled() {
        for (Iterator<Map.Entry<Long, Mat>> it = scaled.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Mat> e = it.next();
            boolean used = false;
            for (int i = 0; i < outputCount && !used; i++) {
                Output o = outputs.get(i);
                used = VariantRequest.pack(o.width, o.height) == e.getKey();
            }
            if (!used) {
                e.getValue().release();
                it.remove();
            }
        }
        for (int i = 0; i < outputCount; i++) {
            outputs.get(i).to.clear();
        }
    }

    @Override
    public void close() {
        scratch.release();
        for (Mat m : scaled.values()) {
            m.release();
        }
        scaled.clear();
        if (transform != null) {
            transform.close();
        }
    }
}
