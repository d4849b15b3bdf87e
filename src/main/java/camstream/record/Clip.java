package camstream.record;

import camstream.stream.Frame;
import camstream.stream.VideoTrack;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One recording file being written: the writer of its format and its entry in the {@link Library}.
 * Used by the recorder's thread only.
 */
final class Clip implements Closeable {

    private final Library.Live live;
    private final AviWriter avi;
    private final Fmp4File mp4;
    private final VideoTrack track;
    private final long firstMicros;
    private long lastMicros;
    private boolean thumbnail;

    private Clip(Library.Live live, AviWriter avi, Fmp4File mp4, VideoTrack track, long firstMicros) {
        this.live = live;
        this.avi = avi;
        this.mp4 = mp4;
        this.track = track;
        this.firstMicros = firstMicros;
        this.lastMicros = firstMicros;
    }

    /**
     * Begins a file with {@code first}: an H.264 keyframe (fMP4) or a JPEG picture (AVI) of
     * {@code width} x {@code height} at {@code fps}.
     */
    static Clip begin(Library library, String camera, String kind, Frame first, int width, int height, double fps)
            throws IOException {
        boolean video = first.track() != null;
        Instant start = Instant.EPOCH.plus(first.timestampMicros(), ChronoUnit.MICROS);
        Library.Live live = library.begin(camera, kind, video ? "mp4" : "avi", start);
        try {
            if (video) {
                return new Clip(live, null, Fmp4File.create(live.path(), first.track().init()), first.track(),
                        first.timestampMicros());
            }
            return new Clip(live, AviWriter.create(live.path(), width, height, fps), null, null, first.timestampMicros());
        } catch (IOException | RuntimeException e) {
            live.close(false);
            throw e;
        }
    }

    /** Appends one frame; a JPEG file's first picture is its thumbnail too. */
    void write(Frame f) throws IOException {
        if (mp4 != null) {
            mp4.write(f.part(), f.keyframe());
        } else {
            avi.write(f.part(), f.jpegOffset(), f.jpegLength());
            if (!thumbnail) {
                thumbnail(f.part(), f.jpegOffset(), f.jpegLength());
            }
        }
        lastMicros = Math.max(lastMicros, f.timestampMicros());
    }

    /** Writes the thumbnail, the picture at the file's start (for H.264 a JPEG of the camera's asked for separately). */
    void thumbnail(byte[] b, int offset, int length) throws IOException {
        byte[] jpeg = offset == 0 ? b : java.util.Arrays.copyOfRange(b, offset, offset + length);
        live.thumbnail(jpeg, length);
        thumbnail = true;
    }

    boolean hasThumbnail() {
        return thumbnail;
    }

    /** Forces the file to disk; the AVI header's counts (and its rate, from the pictures' times) brought up to date. */
    void flush() throws IOException {
        if (avi != null) {
            if (avi.pictures() > 1 && lastMicros > firstMicros) {
                avi.fps((avi.pictures() - 1) * 1e6 / (lastMicros - firstMicros));
            }
            avi.flush();
        } else {
            mp4.flush();
        }
        live.update(seconds(), bytes(), pictures());
    }

    /** Seconds from the first picture to the last. */
    double seconds() {
        return mp4 != null ? mp4.seconds() : avi.pictures() > 1
                ? (lastMicros - firstMicros) / 1e6 * avi.pictures() / (avi.pictures() - 1) : 0;
    }

    /** Microseconds of pictures from the first one's time to {@code nowMicros}. */
    long age(long nowMicros) {
        return nowMicros - firstMicros;
    }

    long bytes() {
        return mp4 != null ? mp4.bytes() : avi.bytes();
    }

    int pictures() {
        return mp4 != null ? mp4.pictures() : avi.pictures();
    }

    boolean video() {
        return mp4 != null;
    }

    VideoTrack track() {
        return track;
    }

    /** Whether the file must end before {@code f}: an AVI about to reach its size limit. */
    boolean full(Frame f) {
        return avi != null && avi.bytes() + f.jpegLength() + 16L * (avi.pictures() + 2) + 64 > AviWriter.MAX_BYTES;
    }

    String file() {
        return live.file();
    }

    /** Finishes the file (index, sidecar). Safe to call twice. */
    @Override
    public void close() throws IOException {
        try {
            if (avi != null) {
                try {
                    flush();
                } finally {
                    avi.close();
                }
            } else {
                mp4.close();
            }
            live.update(seconds(), bytes(), pictures());
            live.close(true);
        } finally {
            // A file that could not be finished is left to the Library, which works its length out.
            live.close(false);
        }
    }
}
