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
    /** Blanks allowed between a delimiter and its line end. */
    private static final int MAX_TAIL_BLANKS = 64;
    private static final int FIRST_BUFFER = 64 * 1024;
    /** Room beyond the largest part for the line end and delimiter that follow it. */
    private static final int SLACK = 512;
    /** Zeros or blanks some cameras put after a JPEG's end marker, inside the part. */
    private static final int MAX_PADDING = 256;

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

    /** Where the delimiter matcher is. */
    private enum Match { NONE, DASHES, BOUNDARY, AFTER_BOUNDARY, CLOSE_DASH, BLANKS, CR }

    private final int maxPartBytes;
    private final Sink sink;
    private byte[] boundary;

    private State state = State.SEEK;
    private boolean anyPart;
    /** Bytes other than blanks since the last delimiter, part or emitted picture: garbage unless the delimiter's own. */
    private long nonBlank;
    /** Headers turned out to be garbage: the next delimiter ends a resync. */
    private boolean resyncing;
    private final byte[] scratch = new byte[8192];

    // Delimiter matcher.
    private Match match = Match.NONE;
    private int dashes;
    private int matched;
    private int blanks;
    private boolean closing;
    private boolean afterLineEnd = true;
    /** Body position of the first byte of the delimiter being matched. */
    private long matchStart;

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
        this.boundary = core(boundary);
    }

    /**
     * The boundary parameter of a {@code multipart/...} content type, unquoted, or null when it has
     * none (e.g. {@code multipart/x-mixed-replace; boundary="--myboundary"} gives {@code --myboundary}).
     */
    public static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        String lower = contentType.toLowerCase(Locale.ROOT);
        int at = -1;
        for (int from = 0; (from = lower.indexOf("boundary", from)) >= 0; from += 8) {
            int eq = from + 8;
            while (eq < lower.length() && lower.charAt(eq) == ' ') {
                eq++;
            }
            boolean startsParam = from == 0 || lower.charAt(from - 1) == ';' || lower.charAt(from - 1) == ' ';
            if (startsParam && eq < lower.length() && lower.charAt(eq) == '=') {
                at = eq + 1;
                break;
            }
        }
        if (at < 0) {
            return null;
        }
        String v = contentType.substring(at).trim();
        if (v.startsWith("\"")) {
            int end = v.indexOf('"', 1);
            v = end < 0 ? v.substring(1) : v.substring(1, end);
        } else {
            int end = v.indexOf(';');
            v = (end < 0 ? v : v.substring(0, end)).trim();
        }
        return v.isEmpty() ? null : v;
    }

    /** The boundary without its leading dashes, as bytes; null when nothing is left. */
    private static byte[] core(String boundary) {
        if (boundary == null) {
            return null;
        }
        String s = boundary.strip();
        int i = 0;
        while (i < s.length() && s.charAt(i) == '-') {
            i++;
        }
        s = s.substring(i);
        return s.isEmpty() || s.length() > 200 ? null : s.getBytes(StandardCharsets.ISO_8859_1);
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
        if (boundary == null) {
            learnBoundary(b);
            return;
        }
        if (!blank(b)) {
            nonBlank++;
        }
        if (step(b, 0)) {
            if (anyPart && (resyncing || nonBlank > delimiterBytes())) {
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
            byte[] learnt = core(s);
            if (learnt != null && s.chars().allMatch(c -> c > ' ' && c < 127)) {
                boundary = learnt;
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
        resetMatch();
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
            case "content-length" -> contentLength = parseLength(value);
            case "x-timestamp" -> timestamp = parseTimestamp(value);
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
        byte[] c = core(t);
        return c != null && Arrays.equals(c, boundary) && (t.startsWith("--") || t.charAt(0) != '-');
    }

    /** What should be headers is not: skip to the next delimiter. */
    private void garbage() {
        state = State.SEEK;
        resyncing = true;
        nonBlank = 0;
        resetMatch();
        afterLineEnd = true;
    }

    /** A number of digits; {@link Long#MAX_VALUE} for one too long to read, -1 for none. */
    private static long parseLength(String v) {
        if (v.isEmpty()) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = i < 18 ? n * 10 + (c - '0') : Long.MAX_VALUE;
        }
        return n;
    }

    /** {@code <seconds>.<fraction>} to microseconds, or -1 when it is not one. */
    static long parseTimestamp(String v) {
        int dot = v.indexOf('.');
        String sec = dot < 0 ? v : v.substring(0, dot);
        String frac = dot < 0 ? "" : v.substring(dot + 1);
        if (sec.isEmpty() || sec.length() > 12 || frac.length() > 9) {
            return -1;
        }
        long s = parseLength(sec);
        long f = frac.isEmpty() ? 0 : parseLength(frac);
        if (s < 0 || f < 0) {
            return -1;
        }
        for (int i = frac.length(); i < 6; i++) {
            f *= 10;
        }
        for (int i = frac.length(); i > 6; i--) {
            f /= 10;
        }
        return s * 1_000_000L + f;
    }

    // ---- Part body ----

    private void startBody() {
        state = State.BODY;
        length = 0;
        position = 0;
        emitted = false;
        discarding = false;
        resetMatch();
        afterLineEnd = true;
        if (contentLength > maxPartBytes) {
            stop(contentLength);
        } else if (contentType != null && !isJpegType(contentType)) {
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

    private static boolean isJpegType(String type) {
        int semi = type.indexOf(';');
        String t = (semi < 0 ? type : type.substring(0, semi)).strip();
        return t.equals("image/jpeg") || t.equals("image/jpg") || t.equals("image/pjpeg");
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
        } else if (emitted && !blank(b)) {
            nonBlank++;
        }
        long at = position++;
        if (step(b, at)) {
            endPart();
            return;
        }
        int end;
        if (!discarding && length == contentLength && (end = jpegEnd(body, length)) > 0) {
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
            if (nonBlank > delimiterBytes()) {
                resyncs++; // bytes between the picture and the delimiter
            }
        } else if (!discarding) {
            int n = (int) Math.min(matchStart, length);
            int end = jpegEnd(body, n);
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
        if (closing) {
            state = State.SEEK;
            nonBlank = 0;
            resyncing = false;
            resetMatch();
        } else {
            startPart();
        }
    }

    private void emit(int n) {
        anyPart = true;
        sink.part(Arrays.copyOf(body, n), timestamp, via);
    }

    /** True when the first {@code n} bytes are one JPEG from its start marker to its end marker exactly. */
    static boolean isWholeJpeg(byte[] b, int n) {
        return n >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && endsWithEoi(b, n);
    }

    /**
     * Where a JPEG in the first {@code n} bytes ends, just after its end marker, allowing blanks or
     * zero padding after the marker; -1 when they do not start and end as a JPEG.
     */
    static int jpegEnd(byte[] b, int n) {
        if (n < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return -1;
        }
        for (int end = n; end >= 4 && n - end <= MAX_PADDING; end--) {
            if (endsWithEoi(b, end)) {
                return end;
            }
            byte c = b[end - 1];
            if (c != 0 && !blank(c)) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean endsWithEoi(byte[] b, int n) {
        return n >= 4 && (b[n - 2] & 0xFF) == 0xFF && (b[n - 1] & 0xFF) == 0xD9;
    }

    private static boolean blank(byte b) {
        return b == '\r' || b == '\n' || b == ' ' || b == '\t';
    }

    // ---- Delimiter matcher ----

    private void resetMatch() {
        match = Match.NONE;
        dashes = 0;
        matched = 0;
        blanks = 0;
        closing = false;
    }

    /**
     * Advances the delimiter matcher by one byte at body position {@code at}; true when the byte ends
     * a delimiter, whose first byte was at {@link #matchStart}.
     */
    private boolean step(byte b, long at) {
        boolean lineStart = afterLineEnd;
        afterLineEnd = b == '\n';
        switch (match) {
            case DASHES -> {
                if (b == '-') {
                    dashes++;
                    return false;
                }
                if (dashes >= 2 && b == boundary[0]) {
                    matched = 1;
                    match = matched == boundary.length ? Match.AFTER_BOUNDARY : Match.BOUNDARY;
                    return false;
                }
            }
            case BOUNDARY -> {
                if (b == boundary[matched]) {
                    if (++matched == boundary.length) {
                        match = Match.AFTER_BOUNDARY;
                    }
                    return false;
                }
            }
            case AFTER_BOUNDARY, BLANKS -> {
                if (b == '-' && match == Match.AFTER_BOUNDARY) {
                    match = Match.CLOSE_DASH;
                    return false;
                }
                if ((b == ' ' || b == '\t') && blanks++ < MAX_TAIL_BLANKS) {
                    match = Match.BLANKS;
                    return false;
                }
                if (b == '\r') {
                    match = Match.CR;
                    return false;
                }
                if (b == '\n') {
                    return matchedDelimiter();
                }
            }
            case CLOSE_DASH -> {
                if (b == '-') {
                    closing = true;
                    match = Match.BLANKS;
                    return false;
                }
            }
            case CR -> {
                if (b == '\n') {
                    return matchedDelimiter();
                }
            }
            case NONE -> {
            }
        }
        // No match in progress, or it just failed: this byte may begin one.
        resetMatch();
        if (b == '-') {
            match = Match.DASHES;
            dashes = 1;
            matchStart = at;
        } else if (lineStart && b == boundary[0]) {
            matched = 1;
            match = matched == boundary.length ? Match.AFTER_BOUNDARY : Match.BOUNDARY;
            matchStart = at;
        }
        return false;
    }

    /** The bytes other than blanks of the delimiter just matched. */
    private long delimiterBytes() {
        return dashes + boundary.length + (closing ? 2 : 0);
    }

    private boolean matchedDelimiter() {
        afterLineEnd = true;
        match = Match.NONE;
        return true;
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
