package camstream.bench;

import java.nio.ByteBuffer;

/**
 * Incremental reader of a live fragmented MP4 body, the inside of one {@code /stream/{camera}.mp4}
 * response: ftyp, moov, then one moof + mdat per frame. Bytes may arrive split anywhere. It keeps a
 * box header and the current moof (a few hundred bytes) per connection; mdat payloads are skipped by
 * their size, never copied. Reports each frame once its mdat is complete.
 */
final class Mp4Boxes {

    /** A moof of one sample is about 100 bytes; anything much larger is not camstream's. */
    static final int MAX_MOOF = 4096;

    private static final int FTYP = fourcc("ftyp"), MOOV = fourcc("moov"), MOOF = fourcc("moof"),
            MDAT = fourcc("mdat"), MFHD = fourcc("mfhd"), TRAF = fourcc("traf"), TFDT = fourcc("tfdt"),
            TRUN = fourcc("trun");
    // trun flags: data-offset, first-sample-flags, sample-duration, sample-size, sample-flags present.
    private static final int DATA_OFFSET = 0x1, FIRST_FLAGS = 0x4, DURATION = 0x100, SIZE = 0x200, FLAGS = 0x400;
    private static final int NON_SYNC = 0x00010000;

    private final StreamParser.Listener listener;
    private final byte[] header = new byte[16];
    private int headerLength;
    /** Body bytes of the current box still to come; -1 while its header is read. */
    private long left = -1;
    private long boxSize;
    private int type;
    private final byte[] moof = new byte[MAX_MOOF];
    private int moofLength;
    private boolean initSeen;
    /** The last moof, waiting for its mdat. */
    private boolean pending;
    private long sequence;
    private long decodeTime;
    private boolean keyframe;
    private long fragments;

    Mp4Boxes(StreamParser.Listener listener) {
        this.listener = listener;
    }

    long fragments() {
        return fragments;
    }

    /** Consumes {@code buf} up to {@code end}. */
    void feed(ByteBuffer buf, int end, long arrivalMicros) throws StreamParser.FramingException {
        while (buf.position() < end) {
            if (left < 0) {
                header[headerLength++] = buf.get();
                if (headerLength == 8 || headerLength == 16) {
                    startBox();
                    if (left == 0) {
                        endBox(arrivalMicros);
                    }
                }
                continue;
            }
            int n = (int) Math.min(left, end - buf.position());
            if (type == MOOF) {
                buf.get(moof, moofLength, n);
                moofLength += n;
            } else {
                buf.position(buf.position() + n);
            }
            left -= n;
            if (left == 0) {
                endBox(arrivalMicros);
            }
        }
    }

    private void startBox() throws StreamParser.FramingException {
        long size = Integer.toUnsignedLong(readInt(header, 0));
        type = readInt(header, 4);
        int headerSize = headerLength;
        if (size == 1) {
            if (headerLength < 16) {
                return; // a 64-bit size follows
            }
            size = ByteBuffer.wrap(header, 8, 8).getLong();
        } else if (size == 0) {
            throw new StreamParser.FramingException("box " + name(type) + " runs to the end of the stream");
        }
        if (size < headerSize) {
            throw new StreamParser.FramingException("box " + name(type) + " of " + size + " bytes");
        }
        if (!initSeen && type != FTYP && type != MOOV) {
            throw new StreamParser.FramingException(name(type) + " before the init segment (ftyp, moov)");
        }
        if (type == MOOF && size - headerSize > MAX_MOOF) {
            throw new StreamParser.FramingException("moof of " + size + " bytes");
        }
        if (type == MDAT && !pending) {
            throw new StreamParser.FramingException("mdat without a moof before it");
        }
        if (type == MOOF && pending) {
            throw new StreamParser.FramingException("moof after a moof without its mdat");
        }
        boxSize = size;
        left = size - headerSize;
        headerLength = 0;
        moofLength = 0;
    }

    private void endBox(long arrivalMicros) throws StreamParser.FramingException {
        left = -1;
        if (type == MOOV) {
            initSeen = true;
        } else if (type == MOOF) {
            parseMoof();
            pending = true;
        } else if (type == MDAT) {
            pending = false;
            fragments++;
            listener.fragment(sequence, decodeTime, keyframe, (int) (boxSize - 8), arrivalMicros);
        }
    }

    /** mfhd's sequence number, tfdt's decode time and whether the first sample is a sync sample. */
    private void parseMoof() throws StreamParser.FramingException {
        ByteBuffer b = ByteBuffer.wrap(moof, 0, moofLength);
        sequence = -1;
        decodeTime = -1;
        int flagsSeen = 0;
        while (b.remaining() >= 8) {
            int start = b.position();
            int size = b.getInt();
            int t = b.getInt();
            if (size < 8 || size > moofLength - start) {
                throw new StreamParser.FramingException("moof child " + name(t) + " of " + size + " bytes");
            }
            if (t == TRAF) {
                continue; // its children follow
            }
            if (t == MFHD) {
                b.getInt();
                sequence = Integer.toUnsignedLong(b.getInt());
            } else if (t == TFDT) {
                int version = b.getInt() >>> 24;
                decodeTime = version == 1 ? b.getLong() : Integer.toUnsignedLong(b.getInt());
            } else if (t == TRUN) {
                int flags = b.getInt() & 0xffffff;
                b.getInt(); // sample count
                if ((flags & DATA_OFFSET) != 0) {
                    b.getInt();
                }
                int sampleFlags = (flags & FIRST_FLAGS) != 0 ? b.getInt() : -1;
                if ((flags & DURATION) != 0) {
                    b.getInt();
                }
                if ((flags & SIZE) != 0) {
                    b.getInt();
                }
                if ((flags & FLAGS) != 0 && sampleFlags == -1) {
                    sampleFlags = b.getInt();
                }
                if (sampleFlags != -1) {
                    keyframe = (sampleFlags & NON_SYNC) == 0;
                    flagsSeen++;
                }
            }
            b.position(start + size);
        }
        if (sequence < 0 || decodeTime < 0 || flagsSeen == 0) {
            throw new StreamParser.FramingException("moof without mfhd, tfdt or trun sample flags");
        }
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static int fourcc(String s) {
        return s.charAt(0) << 24 | s.charAt(1) << 16 | s.charAt(2) << 8 | s.charAt(3);
    }

    private static String name(int t) {
        StringBuilder s = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = t >>> shift & 0xff;
            s.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return s.toString();
    }
}
