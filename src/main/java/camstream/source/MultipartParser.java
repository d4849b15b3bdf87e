package camstream.source;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Cuts a {@code multipart/x-mixed-replace} body into JPEG pictures, incrementally: bytes go in as
 * they arrive, split anywhere, and each whole JPEG comes out to the {@link Sink} as soon as its last
 * byte is in. Its memory is bounded whatever the input: one part buffer of at most
 * {@code maxPartBytes} and one header line of {@link #MAX_LINE} bytes.
 *
 * <p>What upstreams really send, and what it does with it:
 * <ul>
 *   <li>Delimiters are found by scanning, with or without a part's {@code Content-Length}: two or
 *       more dashes and the boundary, or the boundary alone at the start of a line, then an
 *       optional {@code --}, blanks and a CRLF or a bare LF. The boundary is the header's (quoted or
 *       not, its own leading dashes ignored), or the first {@code --} line's when the header has none.</li>
 *   <li>A {@code Content-Length} that covers a whole JPEG hands it over at once, without waiting
 *       for the next delimiter; one that is wrong either way is overruled by the delimiter.</li>
 *   <li>Bytes that are not part of a part (garbage between parts, a header line too long or
 *       without a colon) are skipped up to the next delimiter, and the run is counted.</li>
 *   <li>A part over {@code maxPartBytes}, by its {@code Content-Length} or by what arrived, ends the
 *       stream: the sink is told at once and the parser reads nothing more, so that an upstream that
 *       declares or sends an endless part is not read on. A part that is not a JPEG, by its
 *       {@code Content-Type} or its first bytes, is skipped, and so is one that does not end with
 *       the JPEG end marker (cut short). Each is counted.</li>
 *   <li>A part's {@code X-Camstream-Via} (the camstreams it passed through) goes to the sink with it.</li>
 * </ul>
 * Not thread-safe: one thread feeds it at a time.
 */
public final class MultipartParser {

    /** Receives each whole JPEG, and the part that ends the stream if one does. */
    public interface Sink {
        /**
         * @param timestampMicros the part's {@code X-Timestamp}, or -1
         * @param via             the part's {@code X-Camstream-Via}, or null
         */
        void part(byte[] jpeg, long timestampMicros, String via);

        /**
         * A part is over the maximum: {@code declaredLength} by its {@code Content-Length} (or
         * {@link Long#MAX_VALUE}, a number too long to read), or -1 when it grew over it. The parser
         * reads nothing more.
         */
        default void tooLarge(long declaredLength) {
        }
    }

    /** The longest header line kept; a longer one is garbage. */
    static final int MAX_LINE = 1024;
    /** Part header lines (blank ones included) before the part is taken for garbage. */
    private static final int MAX_HEADER_LINES = 32;
    private static final int FIRST_BUFFER = 64 * 1024;
    /** Room beyond the largest part for the line end and delimiter that follow it. */
    private static final int SLACK = 512;

    private enum State {
        /** Looking for a delimiter; anything else is skipped. */
        SEEK,
        /** Reading a part's header lines. */
        HEADERS,
        /** Reading a part's body, until the next delimiter. */
        BODY,
        /** A part was over the maximum: nothing more is read. */
        STOPPED
    }

    private final int maxPartBytes;
    private final Sink sink;

    private State state = State.SEEK;
    private boolean anyPart;
    /** Bytes other than blanks since the last delimiter, part or emitted picture: garbage unless the delimiter's own. */
    private long nonBlank;
    /** Headers turned out to be garbage: the next delimiter ends a resync. */
    private boolean resyncing;
    private final byte[] scratch = new byte[8192];

    private final DelimiterMatcher delimiter = new DelimiterMatcher();

    // Header lines.
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private boolean lineTooLong;
    private int headerLines;
    private boolean headersSeen;
    private String contentType;
    private long contentLength;
    private long timestamp;
    private String via;

    // Body.
    private byte[] body = new byte[0];
    private int length;
    private long position;
    /** The part is not kept: not a JPEG by its type, or already handed over. */
    private boolean discarding;
    private boolean emitted;

    private long tooLarge;
    private long notJpeg;
    private long cutShort;
    private long resyncs;

    /**
     * @param boundary     the boundary of the response's {@code Content-Type} ({@link #boundary(String)}), or
     *                     null to take it from the first delimiter line
     * @param maxPartBytes the largest part kept; larger ones are skipped
     */
    public MultipartParser(String boundary, int maxPartBytes, Sink sink) {
        if (maxPartBytes < 4) {
            throw new IllegalArgumentException("maxPartBytes " + maxPartBytes);
        }
        this.maxPartBytes = maxPartBytes;
        this.sink = sink;
        this.delimiter.boundary(PartValues.core(boundary));
    }

    /**
     * The boundary parameter of a {@code multipart/...} content type, unquoted, or null when it has
     * none (e.g. {@code multipart/x-mixed-replace; boundary="--myboundary"} gives {@code --myboundary}).
     */
    public static String boundary(String contentType) {
        return PartValues.boundary(contentType);
    }

    public void feed(ByteBuffer buffer) {
        while (buffer.hasRemaining()) {
            if (buffer.hasArray()) {
                int n = buffer.remaining();
                feed(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
                buffer.position(buffer.position() + n);
            } else {
                int n = Math.min(buffer.remaining(), scratch.length);
                buffer.get(scratch, 0, n);
                feed(scratch, 0, n);
            }
        }
    }

    public void feed(byte[] bytes, int offset, int count) {
        for (int i = offset, end = offset + count; i < end; i++) {
            byte b = bytes[i];
            switch (state) {
                case SEEK -> seek(b);
                case HEADERS -> header(b);
                case BODY -> body(b);
                case STOPPED -> {
                    return;
                }
            }
        }
    }

    // ---- Looking for a delimiter ----

    private void seek(byte b) {
        if (!delimiter.hasBoundary()) {
            learnBoundary(b);
            return;
        }
        if (!PartValues.blank(b)) {
            nonBlank++;
        }
        if (delimiter.step(b, 0)) {
            if (anyPart && (resyncing || nonBlank > delimiter.nonBlankBytes())) {
                resyncs++;
            }
            startPart();
        }
    }

    /** Takes the boundary from the first line that starts with two dashes. */
    private void learnBoundary(byte b) {
        if (b != '\n') {
            if (lineLength < MAX_LINE) {
                line[lineLength++] = b;
            }
            return;
        }
        String s = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1).strip();
        lineLength = 0;
        if (s.startsWith("--")) {
            byte[] learnt = PartValues.core(s);
            if (learnt != null && s.chars().allMatch(c -> c > ' ' && c < 127)) {
                delimiter.boundary(learnt);
                startPart();
            }
        }
    }

    // ---- Part headers ----

    private void startPart() {
        state = State.HEADERS;
        lineLength = 0;
        lineTooLong = false;
        headerLines = 0;
        headersSeen = false;
        contentType = null;
        contentLength = -1;
        timestamp = -1;
        via = null;
        nonBlank = 0;
        resyncing = false;
        delimiter.reset();
    }

    private void header(byte b) {
        if (lineLength == 0 && !lineTooLong && (b & 0xFF) == 0xFF) {
            // A JPEG's first byte where a header line should start: a part without headers.
            startBody();
            body(b);
            return;
        }
        if (b != '\n') {
            if (lineLength < MAX_LINE) {
                line[lineLength++] = b;
            } else {
                lineTooLong = true;
            }
            return;
        }
        int n = lineLength;
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        boolean tooLong = lineTooLong;
        lineLength = 0;
        lineTooLong = false;
        if (tooLong || ++headerLines > MAX_HEADER_LINES) {
            garbage();
            return;
        }
        if (n == 0) {
            if (headersSeen) {
                startBody();
            }
            return; // blank lines before the headers
        }
        String s = new String(line, 0, n, StandardCharsets.ISO_8859_1);
        if (isDelimiter(s)) {
            startPart(); // an empty part: a delimiter where headers should be
            return;
        }
        int colon = s.indexOf(':');
        if (colon <= 0) {
            garbage();
            return;
        }
        headersSeen = true;
        String name = s.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = s.substring(colon + 1).strip();
        switch (name) {
            case "content-type" -> contentType = value.toLowerCase(Locale.ROOT);
            case "content-length" -> contentLength = PartValues.parseLength(value);
            case "x-timestamp" -> timestamp = PartValues.parseTimestamp(value);
            case "x-camstream-via" -> via = value;
            default -> {
            }
        }
    }

    private boolean isDelimiter(String s) {
        String t = s.strip();
        if (t.endsWith("--") && t.length() > 2) {
            t = t.substring(0, t.length() - 2);
        }
        byte[] c = PartValues.core(t);
        return c != null && delimiter.is(c) && (t.startsWith("--") || t.charAt(0) != '-');
    }

    /** What should be headers is not: skip to the next delimiter. */
    private void garbage() {
        state = State.SEEK;
        resyncing = true;
        nonBlank = 0;
        delimiter.restartAtLineStart();
    }

    // ---- Part body ----

    private void startBody() {
        state = State.BODY;
        length = 0;
        position = 0;
        emitted = false;
        discarding = false;
        delimiter.restartAtLineStart();
        if (contentLength > maxPartBytes) {
            stop(contentLength);
        } else if (contentType != null && !PartValues.isJpegType(contentType)) {
            notJpeg++;
            discarding = true;
        }
    }

    /** A part over the maximum: the stream is not worth reading on. */
    private void stop(long declaredLength) {
        tooLarge++;
        state = State.STOPPED;
        sink.tooLarge(declaredLength);
    }

    private void body(byte b) {
        if (!discarding) {
            if (length == maxPartBytes + SLACK) {
                stop(-1);
                return;
            }
            if (length == body.length) {
                grow();
            }
            body[length++] = b;
        } else if (emitted && !PartValues.blank(b)) {
            nonBlank++;
        }
        long at = position++;
        if (delimiter.step(b, at)) {
            endPart();
            return;
        }
        int end;
        if (!discarding && length == contentLength && (end = PartValues.jpegEnd(body, length)) > 0) {
            // The length is right and the picture whole: hand it over now, not when the next delimiter comes.
            emit(end);
            emitted = true;
            discarding = true;
            nonBlank = 0;
        }
    }

    private void grow() {
        int size = body.length == 0 ? Math.min(FIRST_BUFFER, maxPartBytes + SLACK)
                : (int) Math.min((long) body.length * 2, maxPartBytes + SLACK);
        body = Arrays.copyOf(body, size);
    }

    private void endPart() {
        boolean wasEmitted = emitted;
        if (wasEmitted) {
            if (nonBlank > delimiter.nonBlankBytes()) {
                resyncs++; // bytes between the picture and the delimiter
            }
        } else if (!discarding) {
            int n = (int) Math.min(delimiter.start(), length);
            int end = PartValues.jpegEnd(body, n);
            if (n < 4 || (body[0] & 0xFF) != 0xFF || (body[1] & 0xFF) != 0xD8) {
                notJpeg++;
            } else if (end < 0) {
                cutShort++;
            } else if (end > maxPartBytes) {
                stop(-1);
                return;
            } else {
                emit(end);
            }
        }
        if (delimiter.closing()) {
            state = State.SEEK;
            nonBlank = 0;
            resyncing = false;
            delimiter.reset();
        } else {
            startPart();
        }
    }

    private void emit(int n) {
        anyPart = true;
        sink.part(Arrays.copyOf(body, n), timestamp, via);
    }

    // ---- Counters ----

    /** Parts larger than the maximum (the first ends the stream). */
    public long tooLarge() {
        return tooLarge;
    }

    /** Parts skipped for not being JPEG pictures. */
    public long notJpeg() {
        return notJpeg;
    }

    /** JPEG parts skipped for being cut short (no end marker). */
    public long cutShort() {
        return cutShort;
    }

    /** Runs of bytes that belonged to no part, skipped up to the next delimiter. */
    public long resyncs() {
        return resyncs;
    }

    /** Bytes the part buffer holds now: at most the maximum part size. */
    public int bufferCapacity() {
        return body.length;
    }
}
