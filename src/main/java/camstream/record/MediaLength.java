package camstream.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How long a recording plays, worked out from the file itself when it has no sidecar (the server
 * died while writing it): only whole pictures count, as a player would see them.
 */
final class MediaLength {

    /** Seconds and pictures; zero when nothing whole is in the file. */
    record Length(double seconds, int pictures) {
    }

    private MediaLength() {
    }

    static Length of(Path file, String format) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            return "avi".equals(format) ? avi(in) : mp4(in);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            // A box whose sizes lie (a damaged file, or none of ours under such a name): listed, with no length.
            return new Length(0, 0);
        }
    }

    /** Counts the 00dc chunks that are whole; the rate from strh. */
    private static Length avi(FileChannel in) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(224).order(ByteOrder.LITTLE_ENDIAN);
        if (read(in, h, 0) < 224 || !"RIFF".equals(fourcc(h, 0)) || !"strh".equals(fourcc(h, 100))) {
            return new Length(0, 0);
        }
        long scale = Integer.toUnsignedLong(h.getInt(128));
        long rate = Integer.toUnsignedLong(h.getInt(132));
        long size = in.size();
        int pictures = 0;
        ByteBuffer c = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (long at = 224; at + 8 <= size; ) {
            c.clear();
            if (read(in, c, at) < 8) {
                break;
            }
            long n = Integer.toUnsignedLong(c.getInt(4));
            if (!fourcc(c, 0).endsWith("dc") || at + 8 + n > size) {
                break;
            }
            pictures++;
            at += 8 + n + (n & 1);
        }
        double fps = scale > 0 && rate > 0 ? rate / (double) scale : 0;
        return new Length(fps > 0 ? pictures / fps : 0, pictures);
    }

    /** Walks the top-level boxes: mdhd's timescale, then each whole moof + mdat's tfdt and trun durations. */
    private static Length mp4(FileChannel in) throws IOException {
        long size = in.size();
        long timescale = 0;
        long first = -1;
        long last = 0;
        int pictures = 0;
        ByteBuffer h = ByteBuffer.allocate(8);
        for (long at = 0; at + 8 <= size; ) {
            h.clear();
            read(in, h, at);
            long n = Integer.toUnsignedLong(h.getInt(0));
            String type = fourcc(h, 4);
            if (n < 8 || at + n > size) {
                break;
            }
            if (type.equals("moov") || type.equals("moof")) {
                if (n > 1 << 20) {
                    break;
                }
                ByteBuffer box = ByteBuffer.allocate((int) n);
                read(in, box, at);
                if (type.equals("moov")) {
                    ByteBuffer mdhd = find(box, "mdhd");
                    if (mdhd != null) {
                        int v = mdhd.get(mdhd.position()) & 0xff;
                        timescale = Integer.toUnsignedLong(mdhd.getInt(mdhd.position() + (v == 1 ? 20 : 12)));
                    }
                } else {
                    // Whole only with its mdat after it.
                    long next = at + n;
                    h.clear();
                    if (next + 8 > size || read(in, h, next) < 8 || !fourcc(h, 4).equals("mdat")
                            || next + Integer.toUnsignedLong(h.getInt(0)) > size) {
                        break;
                    }
                    long[] fragment = fragment(box);
                    if (fragment == null) {
                        break;
                    }
                    if (first < 0) {
                        first = fragment[0];
                    }
                    last = fragment[0] + fragment[1];
                    pictures += (int) fragment[2];
                }
            }
            at += n;
        }
        if (timescale == 0 || first < 0) {
            return new Length(0, pictures);
        }
        return new Length((last - first) / (double) timescale, pictures);
    }

    /** {decode time, duration, samples} of one moof, or null when it is not one this can read. */
    private static long[] fragment(ByteBuffer moof) {
        ByteBuffer tfhd = find(moof, "tfhd");
        ByteBuffer tfdt = find(moof, "tfdt");
        ByteBuffer trun = find(moof, "trun");
        if (tfhd == null || tfdt == null || trun == null) {
            return null;
        }
        int p = tfdt.position();
        long time = (tfdt.get(p) & 0xff) == 1 ? tfdt.getLong(p + 4) : Integer.toUnsignedLong(tfdt.getInt(p + 4));
        p = tfhd.position();
        int hflags = tfhd.getInt(p) & 0xffffff;
        int q = p + 8;
        if ((hflags & 0x1) != 0) {
            q += 8;
        }
        if ((hflags & 0x2) != 0) {
            q += 4;
        }
        long defaultDuration = (hflags & 0x8) != 0 ? Integer.toUnsignedLong(tfhd.getInt(q)) : 0;
        p = trun.position();
        int flags = trun.getInt(p) & 0xffffff;
        long count = Integer.toUnsignedLong(trun.getInt(p + 4));
        int at = p + 8 + ((flags & 0x1) != 0 ? 4 : 0) + ((flags & 0x4) != 0 ? 4 : 0);
        int each = Integer.bitCount(flags & 0xf00) * 4;
        long duration = 0;
        for (long i = 0; i < count; i++) {
            if (at + each > trun.limit()) {
                return null;
            }
            duration += (flags & 0x100) != 0 ? Integer.toUnsignedLong(trun.getInt(at)) : defaultDuration;
            at += each;
        }
        return new long[] {time, duration, count};
    }

    /** The payload of the first box of {@code type} found depth first in the containers of fMP4, or null. */
    private static ByteBuffer find(ByteBuffer in, String type) {
        for (int at = in.position(); at + 8 <= in.limit(); ) {
            int n = in.getInt(at);
            if (n < 8 || at + n > in.limit()) {
                return null;
            }
            String t = fourcc(in, at + 4);
            if (t.equals(type)) {
                return in.duplicate().position(at + 8).limit(at + n);
            }
            if (t.equals("moov") || t.equals("trak") || t.equals("mdia") || t.equals("moof") || t.equals("traf")) {
                ByteBuffer found = find(in.duplicate().position(at + 8).limit(at + n), type);
                if (found != null) {
                    return found;
                }
            }
            at += n;
        }
        return null;
    }

    private static int read(FileChannel in, ByteBuffer b, long at) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int r = in.read(b, at + total);
            if (r < 0) {
                break;
            }
            total += r;
        }
        b.flip();
        return total;
    }

    private static String fourcc(ByteBuffer b, int at) {
        byte[] four = new byte[4];
        b.get(at, four);
        return new String(four, StandardCharsets.ISO_8859_1);
    }
}
