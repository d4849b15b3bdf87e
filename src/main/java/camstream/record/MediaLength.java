package camstream.record;

import camstream.source.AviFrames;
import camstream.video.Fmp4Reader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How long a recording plays, worked out from the file itself when it has no sidecar (the server
 * died while writing it): only whole pictures count, as a player would see them. The file is read
 * as playback ({@link AviFrames}) and the relay ({@link Fmp4Reader}) read ours, so a file cut short
 * counts up to its last whole picture, and a damaged one (or none of ours under such a name) up to
 * where it stops being ours.
 */
final class MediaLength {

    /** No mdat of ours is larger: the bound on what is held of one. */
    private static final int MAX_SAMPLE = 64 << 20;

    /** Seconds and pictures; zero when nothing whole is in the file. */
    record Length(double seconds, int pictures) {
    }

    private MediaLength() {
    }

    static Length of(Path file, String format) throws IOException {
        return "avi".equals(format) ? avi(file) : mp4(file);
    }

    /** Passes over the pictures by their chunk headers to the last whole one; the rate from the header. */
    private static Length avi(Path file) throws IOException {
        try (AviFrames frames = AviFrames.open(file)) {
            if (frames == null) {
                return new Length(0, 0);
            }
            frames.skip(Integer.MAX_VALUE); // stops at the last whole picture
            int pictures = frames.index() + 1;
            double fps = frames.fps();
            return new Length(fps > 0 ? pictures / fps : 0, pictures);
        }
    }

    /** Sums the durations of the fragments whose mdat is whole, in the init segment's timescale. */
    private static Length mp4(Path file) throws IOException {
        long[] durationAndPictures = new long[2];
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            Fmp4Reader reader = new Fmp4Reader((int) Math.min(in.size(), MAX_SAMPLE), (unit, duration) -> {
                durationAndPictures[0] += duration;
                durationAndPictures[1]++;
            });
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            try {
                while (in.read(b.clear()) > 0) {
                    reader.feed(b.flip());
                }
            } catch (Fmp4Reader.Malformed e) {
                // Not ours from here on: what came before counts.
            }
            long timescale = reader.timescale();
            int pictures = (int) durationAndPictures[1];
            return new Length(timescale > 0 ? durationAndPictures[0] / (double) timescale : 0, pictures);
        }
    }
}
