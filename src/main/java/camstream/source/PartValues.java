package camstream.source;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What {@link MultipartParser} reads out of header values and part bytes: pure functions of their input. */
final class PartValues {

    /** Zeros or blanks some cameras put after a JPEG's end marker, inside the part. */
    private static final int MAX_PADDING = 256;

    private PartValues() {
    }

    /**
     * The boundary parameter of a {@code multipart/...} content type, unquoted, or null when it has
     * none (e.g. {@code multipart/x-mixed-replace; boundary="--myboundary"} gives {@code --myboundary}).
     */
    static String boundary(String contentType) {
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
    static byte[] core(String boundary) {
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

    /** A number of digits; {@link Long#MAX_VALUE} for one too long to read, -1 for none. */
    static long parseLength(String v) {
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

    static boolean isJpegType(String type) {
        int semi = type.indexOf(';');
        String t = (semi < 0 ? type : type.substring(0, semi)).strip();
        return t.equals("image/jpeg") || t.equals("image/jpg") || t.equals("image/pjpeg");
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

    static boolean endsWithEoi(byte[] b, int n) {
        return n >= 4 && (b[n - 2] & 0xFF) == 0xFF && (b[n - 1] & 0xFF) == 0xD9;
    }

    static boolean blank(byte b) {
        return b == '\r' || b == '\n' || b == ' ' || b == '\t';
    }
}
