package camstream.web;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a file a {@code Range: bytes=…} header asks for (RFC 9110 §14). One range only: a
 * header naming several, or one that does not parse, is ignored and the whole file is sent, as the
 * RFC allows; a single range that starts past the end is {@link #UNSATISFIABLE}.
 *
 * @param first the first byte, from 0
 * @param last  the last byte, included
 */
record ByteRange(long first, long last) {

    /** A range that no byte of the file satisfies: 416. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    private static final Pattern ONE = Pattern.compile("bytes\\s*=\\s*(\\d{0,18})\\s*-\\s*(\\d{0,18})\\s*");

    /** The range {@code header} asks of a file of {@code length} bytes; null: the whole file (no header, or one ignored). */
    static ByteRange parse(String header, long length) {
        if (header == null) {
            return null;
        }
        Matcher m = ONE.matcher(header);
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            return null;
        }
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2)); // the last N bytes
            return suffix == 0 || length == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, length - suffix), length - 1);
        }
        long first = Long.parseLong(m.group(1));
        long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
        if (last < first) {
            return null; // invalid: ignored
        }
        return first >= length ? UNSATISFIABLE : new ByteRange(first, Math.min(last, length - 1));
    }

    long length() {
        return last - first + 1;
    }

    /** {@code Content-Range} of this range of a file of {@code total} bytes. */
    String contentRange(long total) {
        return this == UNSATISFIABLE ? "bytes */" + total : "bytes " + first + "-" + last + "/" + total;
    }
}
