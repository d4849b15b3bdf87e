package camstream.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Walks an AVI from front to back and hands out the frames of its video stream, without the idx1
 * index at the end that OpenCV's reader needs: a file cut short plays up to its last whole frame.
 *
 * <p>Every RIFF and LIST is entered rather than skipped by its size (RIFF 'AVI ' and OpenDML's
 * 'AVIX' continuations, LIST 'hdrl', 'strl', 'movi', 'rec '), so a wrong or unfinished container
 * size does not matter. Of the other chunks only avih, strh and strf (frame rate, which stream is
 * video) and the video stream's {@code ##dc}/{@code ##db} are read; JUNK, idx1, ix##, audio and
 * the rest are skipped, each with its pad byte when its size is odd.
 */
final class AviReader {

    private final FileChannel in;
    private final boolean seekable;
    // Room for the fields read from avih, strh and strf; the rest of those chunks is skipped.
    private final ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer discard;
    private int streams;
    private int video = -1;
    private boolean inVideoStream;
    private long microsPerFrame;
    private long scale;
    private long rate;
    private String codec = "";
    private int tooLarge;
    private boolean cutShort;

    /**
     * @param seekable whether skipping may move the position (a regular file) or must read and
     *                 discard (a FIFO)
     */
    AviReader(FileChannel in, boolean seekable) {
        this.in = in;
        this.seekable = seekable;
    }

    /** Reads the first 12 bytes: false unless they are a RIFF 'AVI ' header. */
    boolean begin() throws IOException {
        return fill(12) && fourcc(0).equals("RIFF") && fourcc(8).equals("AVI ");
    }

    /**
     * Reads the next video frame's bytes into {@code into} (null: passes over them unread); false at
     * the end of the file or at a chunk cut short. Frames over {@link ImageBuffer#MAX_BYTES} are
     * skipped and counted.
     */
    boolean next(ImageBuffer into) throws IOException {
        while (fill(8)) {
            String id = fourcc(0);
            long size = Integer.toUnsignedLong(header.getInt(4));
            long rest = size + (size & 1);
            switch (id) {
                case "RIFF", "LIST" -> {
                    // Its chunks follow its 4-byte type: walk on into them.
                    if (!fill(4)) {
                        return false;
                    }
                    continue;
                }
                case "avih", "strh", "strf" -> {
                    int n = (int) Math.min(size, header.capacity());
                    if (!fill(n)) {
                        return false;
                    }
                    parse(id, n);
                    rest -= n;
                }
                default -> {
                    if (isVideoFrame(id) && size > 0 && size <= ImageBuffer.MAX_BYTES) {
                        if (into == null) {
                            if (seekable && in.position() + size > in.size()) {
                                cutShort = true;
                                return false;
                            }
                            skip(rest);
                            return true;
                        }
                        if (!into.read(in, (int) size)) {
                            cutShort = true;
                            return false;
                        }
                        skip(size & 1);
                        return true;
                    }
                    if (isVideoFrame(id) && size > ImageBuffer.MAX_BYTES) {
                        tooLarge++;
                    }
                }
            }
            skip(rest);
        }
        return false;
    }

    private void parse(String id, int n) {
        switch (id) {
            case "avih" -> microsPerFrame = n >= 4 ? Integer.toUnsignedLong(header.getInt(0)) : 0;
            case "strh" -> {
                inVideoStream = video < 0 && n >= 28 && fourcc(0).equals("vids");
                if (inVideoStream) {
                    video = streams;
                    scale = Integer.toUnsignedLong(header.getInt(20));
                    rate = Integer.toUnsignedLong(header.getInt(24));
                }
                streams++;
            }
            case "strf" -> {
                // A BITMAPINFOHEADER: biCompression is the codec.
                if (inVideoStream && n >= 20) {
                    codec = fourcc(16);
                }
            }
            default -> {
            }
        }
    }

    /** {@code ##dc} or {@code ##db} of the video stream, or of any stream while none is known yet. */
    private boolean isVideoFrame(String id) {
        char a = id.charAt(0);
        char b = id.charAt(1);
        if (!(id.endsWith("dc") || id.endsWith("db")) || a < '0' || a > '9' || b < '0' || b > '9') {
            return false;
        }
        return video < 0 || (a - '0') * 10 + (b - '0') == video;
    }

    /** Frames per second the header gives (the video stream's rate/scale, else avih), or 0. */
    double fps() {
        if (rate > 0 && scale > 0) {
            return rate / (double) scale;
        }
        return microsPerFrame > 0 ? 1e6 / microsPerFrame : 0;
    }

    /** The video stream's codec as its strf says, e.g. "MJPG"; empty if not seen. */
    String codec() {
        return codec;
    }

    /** Video frames skipped because they were over {@link ImageBuffer#MAX_BYTES}. */
    int tooLarge() {
        return tooLarge;
    }

    /** Whether the walk ended inside a frame, i.e. the file was cut short. */
    boolean cutShort() {
        return cutShort;
    }

    private boolean fill(int n) throws IOException {
        header.clear().limit(n);
        while (header.hasRemaining()) {
            if (in.read(header) < 0) {
                return false;
            }
        }
        return true;
    }

    private String fourcc(int at) {
        return new String(header.array(), at, 4, StandardCharsets.ISO_8859_1);
    }

    private void skip(long n) throws IOException {
        if (n == 0) {
            return;
        }
        if (seekable) {
            in.position(in.position() + n); // past the end is allowed: the next read says so
            return;
        }
        if (discard == null) {
            discard = ByteBuffer.allocate(16 * 1024);
        }
        for (long left = n; left > 0; ) {
            discard.clear().limit((int) Math.min(left, discard.capacity()));
            int r = in.read(discard);
            if (r < 0) {
                return;
            }
            left -= r;
        }
    }
}
