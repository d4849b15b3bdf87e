package camstream.record;

import camstream.config.VideoOptions;
import camstream.encode.H264Encoder;
import camstream.video.AnnexB;
import camstream.video.Fmp4;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The H.264 copy of a time-lapse, made as it goes: each picture decoded and encoded once, on the
 * time-lapse thread, and appended to an fMP4 file ({@link Fmp4File}) that plays in every browser while it
 * grows. A picture every few seconds costs a few milliseconds here, nothing to the camera.
 */
final class TimeLapseVideo implements Closeable {

    static final String FORMAT = "mp4";
    private static final int TIMESCALE = 90_000;
    /** Seconds of playback between keyframes: where a player can seek to. */
    private static final int KEYFRAME_SECONDS = 2;

    private final Library.Live live;
    private final VideoOptions options;
    private final int fps;
    private H264Encoder encoder;
    private Fmp4File file;
    private long encoded;

    /** @param live where to write, registered with the Library under its own name */
    TimeLapseVideo(Library.Live live, VideoOptions options, int fps) {
        this.live = live;
        this.options = options;
        this.fps = fps;
    }

    String file() {
        return live.file();
    }

    /** Whether the file exists: the first picture was encoded. */
    boolean started() {
        return file != null;
    }

    /** Adds one picture; the file begins at the encoder's first keyframe, which is its first picture. */
    void write(byte[] jpeg) throws IOException {
        Mat decoded = Imgcodecs.imdecode(new MatOfByte(jpeg), Imgcodecs.IMREAD_COLOR);
        Mat picture = decoded;
        try {
            if (decoded.empty()) {
                throw new IOException("a picture is not a JPEG OpenCV reads");
            }
            if (encoder == null) {
                // 4:2:0 needs an even size: an odd last row or column is left out.
                int w = decoded.cols() & ~1;
                int h = decoded.rows() & ~1;
                double rate = Math.min(60, fps);
                encoder = new H264Encoder(w, h, rate, options.bitrate(w, h, rate), fps * KEYFRAME_SECONDS,
                        H264Encoder.Profile.valueOf(options.profile().toUpperCase(Locale.ROOT)));
            }
            if (decoded.cols() != encoder.width() || decoded.rows() != encoder.height()) {
                // The camera's size changed (or was odd): the video keeps its first size.
                picture = new Mat();
                Imgproc.resize(decoded, picture, new Size(encoder.width(), encoder.height()), 0, 0, Imgproc.INTER_AREA);
            }
            H264Encoder.Encoded e = encoder.encode(picture, encoded++ * 1000 / fps);
            if (e == null) {
                return;
            }
            List<AnnexB.Nal> nals = AnnexB.split(e.annexB());
            if (file == null) {
                if (!e.keyframe()) {
                    return;
                }
                byte[] sps = AnnexB.first(nals, AnnexB.SPS).orElseThrow(() -> new IOException("no SPS")).toArray();
                byte[] pps = AnnexB.first(nals, AnnexB.PPS).orElseThrow(() -> new IOException("no PPS")).toArray();
                file = Fmp4File.create(live.path(), Fmp4.init(encoder.width(), encoder.height(), sps, pps, TIMESCALE));
                live.thumbnail(jpeg, jpeg.length);
            }
            byte[] sample = AnnexB.toAvcc(nals);
            file.write(Fmp4.fragment(0, 0, TIMESCALE / fps, e.keyframe(), sample, 0, sample.length), e.keyframe());
            file.flush();
            live.update(file.seconds(), file.bytes(), file.pictures());
        } finally {
            if (picture != decoded) {
                picture.release();
            }
            decoded.release();
        }
    }

    /** Closes the encoder and the file; {@code complete}: every picture is in, the sidecar is written. */
    void close(boolean complete) throws IOException {
        try {
            if (encoder != null) {
                encoder.close();
                encoder = null;
            }
            if (file != null) {
                file.close();
            }
        } finally {
            live.close(complete && file != null);
        }
    }

    @Override
    public void close() throws IOException {
        close(false);
    }
}
