package camstream.source;

import java.util.Arrays;

/**
 * Finds the delimiters of a multipart body one byte at a time, for {@link MultipartParser}: two or
 * more dashes and the boundary, or the boundary alone at the start of a line, then an optional
 * {@code --} (the closing delimiter), up to {@link #MAX_TAIL_BLANKS} blanks, and a CRLF or a bare LF.
 * Holds no bytes: only where in a delimiter it is.
 */
final class DelimiterMatcher {

    /** Blanks allowed between a delimiter and its line end. */
    static final int MAX_TAIL_BLANKS = 64;

    private enum Match { NONE, DASHES, BOUNDARY, AFTER_BOUNDARY, CLOSE_DASH, BLANKS, CR }

    /** The boundary without its leading dashes; null until known. */
    private byte[] boundary;
    private Match match = Match.NONE;
    private int dashes;
    private int matched;
    private int blanks;
    private boolean closing;
    private boolean afterLineEnd = true;
    /** Body position of the first byte of the delimiter being matched. */
    private long start;

    boolean hasBoundary() {
        return boundary != null;
    }

    void boundary(byte[] boundary) {
        this.boundary = boundary;
    }

    /** Whether {@code core} (a boundary without its leading dashes) is this body's boundary. */
    boolean is(byte[] core) {
        return Arrays.equals(core, boundary);
    }

    /** Body position of the first byte of the delimiter {@link #step} just matched. */
    long start() {
        return start;
    }

    /** Whether the delimiter just matched was the closing one ({@code --boundary--}). */
    boolean closing() {
        return closing;
    }

    /** The bytes other than blanks of the delimiter just matched. */
    long nonBlankBytes() {
        return dashes + boundary.length + (closing ? 2 : 0);
    }

    /** Forgets any delimiter under way. */
    void reset() {
        match = Match.NONE;
        dashes = 0;
        matched = 0;
        blanks = 0;
        closing = false;
    }

    /** As {@link #reset}, and the next byte starts a line. */
    void restartAtLineStart() {
        reset();
        afterLineEnd = true;
    }

    /**
     * Advances by one byte at body position {@code at}; true when the byte ends a delimiter, whose
     * first byte was at {@link #start}. The boundary must be known.
     */
    boolean step(byte b, long at) {
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
                    return matched();
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
                    return matched();
                }
            }
            case NONE -> {
            }
        }
        // No match in progress, or it just failed: this byte may begin one.
        reset();
        if (b == '-') {
            match = Match.DASHES;
            dashes = 1;
            start = at;
        } else if (lineStart && b == boundary[0]) {
            matched = 1;
            match = matched == boundary.length ? Match.AFTER_BOUNDARY : Match.BOUNDARY;
            start = at;
        }
        return false;
    }

    private boolean matched() {
        afterLineEnd = true;
        match = Match.NONE;
        return true;
    }
}
