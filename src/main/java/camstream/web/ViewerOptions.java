package camstream.web;

import camstream.camera.VariantRequest;
import jakarta.servlet.http.HttpServletRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a viewer may add to a stream or snapshot URL: {@code fps} (the most new pictures a second it
 * wants), {@code width} and {@code height} (scaled down to fit, aspect kept) and {@code quality}
 * (JPEG, 1-100). Other parameters are left to others.
 *
 * @param fps     0 for every picture
 * @param variant the size and quality asked for; {@link VariantRequest#MAIN} for the camera's own
 */
record ViewerOptions(double fps, VariantRequest variant) {

    static final double MIN_FPS = 0.1;
    static final double MAX_FPS = 240;
    static final int MIN_SIZE = 16;
    static final int MAX_WIDTH = 7680;
    static final int MAX_HEIGHT = 4320;

    private static final Pattern DECIMAL = Pattern.compile("\\d{1,4}(\\.\\d{1,6})?");
    private static final Pattern WHOLE = Pattern.compile("\\d{1,5}");

    /** Why a parameter was refused, in one line that names it and what it may be. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static ViewerOptions parse(HttpServletRequest req) throws Invalid {
        return parse(req::getParameterValues);
    }

    /** The options of a query string such as {@code width=320&fps=5} (URL-encoded, as in a stream's URL). */
    static ViewerOptions parse(String query) throws Invalid {
        Map<String, List<String>> params = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw new Invalid("bad parameters: not URL-encoded (% must be followed by two hex digits)");
            }
        }
        return parse(name -> {
            List<String> values = params.get(name);
            return values == null ? null : values.toArray(String[]::new);
        });
    }

    /** @param params a parameter's values by name, null when not given */
    static ViewerOptions parse(Function<String, String[]> params) throws Invalid {
        String fps = single(params, "fps");
        double f = 0;
        if (fps != null) {
            String range = "a number of frames per second from " + format(MIN_FPS) + " to " + format(MAX_FPS);
            if (!DECIMAL.matcher(fps).matches()) {
                throw invalid("fps", fps, range);
            }
            f = Double.parseDouble(fps);
            if (f < MIN_FPS || f > MAX_FPS) {
                throw invalid("fps", fps, range);
            }
        }
        int w = whole(params, "width", "a whole number of pixels from " + MIN_SIZE + " to " + MAX_WIDTH, MIN_SIZE, MAX_WIDTH);
        int h = whole(params, "height", "a whole number of pixels from " + MIN_SIZE + " to " + MAX_HEIGHT, MIN_SIZE, MAX_HEIGHT);
        int q = whole(params, "quality", "a whole number from 1 to 100 (JPEG quality)", 1, 100);
        return new ViewerOptions(f, new VariantRequest(w, h, q));
    }

    /** These options as a URL query ({@code fps=10&width=640}); "" when there are none. */
    String query() {
        StringJoiner q = new StringJoiner("&");
        if (fps > 0) {
            q.add("fps=" + format(fps));
        }
        if (variant.maxWidth() > 0) {
            q.add("width=" + variant.maxWidth());
        }
        if (variant.maxHeight() > 0) {
            q.add("height=" + variant.maxHeight());
        }
        if (variant.quality() > 0) {
            q.add("quality=" + variant.quality());
        }
        return q.toString();
    }

    /** A whole number in range, or 0 when the parameter is not given. */
    private static int whole(Function<String, String[]> params, String name, String range, int min, int max)
            throws Invalid {
        String v = single(params, name);
        if (v == null) {
            return 0;
        }
        if (!WHOLE.matcher(v).matches()) {
            throw invalid(name, v, range);
        }
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
            throw invalid(name, v, range);
        }
        return n;
    }

    private static String single(Function<String, String[]> params, String name) throws Invalid {
        String[] values = params.apply(name);
        if (values == null) {
            return null;
        }
        if (values.length > 1) {
            throw new Invalid("bad parameter " + name + ": given " + values.length + " times; give it once");
        }
        return values[0].strip();
    }

    private static Invalid invalid(String name, String value, String range) {
        return new Invalid("bad parameter " + name + "='" + Requests.printable(value) + "': " + range);
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
