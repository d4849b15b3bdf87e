package camstream.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A camera's {@code source} setting, parsed once: what kind of source and its argument.
 * <ul>
 *   <li>{@code auto}: device 0 if it opens, else the test pattern</li>
 *   <li>{@code test-pattern}</li>
 *   <li>{@code device:N} or a device path such as {@code /dev/video2} (argument: N or the path)</li>
 *   <li>{@code file:PATH}: an MJPEG AVI or an image sequence pattern such as {@code img%04d.jpg}</li>
 *   <li>{@code http://…} or {@code https://…}: an MJPEG stream or a JPEG picture, relayed (argument: the URL,
 *       with its {@code user:password@} if any; {@code text} has the password masked)</li>
 *   <li>{@code rtsp://…} or {@code rtsps://…}: an IP camera's H.264 or H.265 stream, read by ffmpeg (argument:
 *       the URL, with its {@code user:password@} if any; {@code text} has the password masked)</li>
 *   <li>{@code NAME:ARGUMENT}: a source kind added by a {@code camstream.source.SourceProvider} on the
 *       webapp's class path; whether one exists is known only when the camera is created</li>
 * </ul>
 */
public record SourceSpec(Kind kind, String name, String argument, String text) {

    public enum Kind { AUTO, TEST_PATTERN, DEVICE, FILE, HTTP, RTSP, PROVIDED }

    /** {@code scheme://user:password@}: the password is what {@link #mask} hides. */
    private static final Pattern CREDENTIALS = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/\\s:@]*):([^/\\s]*)@");

    private static final Pattern DEVICE = Pattern.compile("device:(\\d{1,3}|/.+)");
    private static final Pattern PROVIDED = Pattern.compile("([a-z][a-z0-9+.-]*):(.*)", Pattern.DOTALL);

    /** Parses a source setting; the exception's message says what is wrong, in words for the log. */
    public static SourceSpec parse(String text) {
        String s = text.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("auto")) {
            return new SourceSpec(Kind.AUTO, "auto", "", s);
        }
        if (lower.equals("test-pattern")) {
            return new SourceSpec(Kind.TEST_PATTERN, "test-pattern", "", s);
        }
        Matcher device = DEVICE.matcher(s);
        if (device.matches()) {
            return new SourceSpec(Kind.DEVICE, "device", device.group(1), s);
        }
        if (s.startsWith("/dev/")) {
            return new SourceSpec(Kind.DEVICE, "device", s, s);
        }
        if (lower.startsWith("file:")) {
            String path = s.substring(5);
            if (path.isEmpty()) {
                throw new IllegalArgumentException("file: needs a path");
            }
            return new SourceSpec(Kind.FILE, "file", path, s);
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return url(Kind.HTTP, s);
        }
        if (lower.startsWith("rtsp://") || lower.startsWith("rtsps://")) {
            return url(Kind.RTSP, s);
        }
        Matcher provided = PROVIDED.matcher(s);
        if (provided.matches()) {
            return new SourceSpec(Kind.PROVIDED, provided.group(1), provided.group(2), s);
        }
        throw new IllegalArgumentException(UNKNOWN);
    }

    private static SourceSpec url(Kind kind, String s) {
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + mask(e.getReason()) + " at index " + e.getIndex());
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the URL has no host name");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the URL has a #fragment, which is never sent to the server");
        }
        if (s.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("the URL has a space or control character in it");
        }
        return new SourceSpec(kind, kind == Kind.HTTP ? "http" : "rtsp", s, mask(s));
    }

    /**
     * {@code text} with the password of every {@code scheme://user:password@} in it replaced by
     * {@code ***}, for logs, pages, status and error messages.
     */
    public static String mask(String text) {
        return text == null ? null : CREDENTIALS.matcher(text).replaceAll("$1$2:***@");
    }

    /** What the message says when a source setting names nothing camstream knows. */
    public static final String UNKNOWN = "unknown source (use auto, test-pattern, device:N, /dev/videoN, file:PATH"
            + ", an http:// or https:// URL, or an rtsp:// or rtsps:// URL)";
}
