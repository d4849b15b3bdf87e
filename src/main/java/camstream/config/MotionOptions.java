package camstream.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * One camera's motion detection settings ({@code camstream.camera.ID.motion*}, global defaults
 * without {@code .camera.ID}), read once at start. A bad value is logged, named in the camera's
 * problems and replaced by its default.
 *
 * @param on          whether motion is detected ({@code motion=on|off}, off)
 * @param sensitivity 1..100 (50): how small a change of brightness counts as motion
 * @param minArea     the share of the picture, in percent (1), that must move for it to count
 * @param zones       rectangles where nothing counts ({@code motion.zones=x,y,w,h;...} in percent)
 * @param endAfter    seconds without motion that end an event (3)
 * @param webhook     {@code camstream.motion.webhook}: where each start and end is posted, null for none
 */
public record MotionOptions(boolean on, int sensitivity, double minArea, List<Zone> zones, int endAfter, String webhook) {

    private static final Logger LOG = Logger.getLogger(MotionOptions.class.getName());

    public static final String WEBHOOK = "camstream.motion.webhook";
    public static final MotionOptions OFF = new MotionOptions(false, 50, 1, List.of(), 3, null);

    public MotionOptions {
        zones = List.copyOf(zones);
    }

    /** A rectangle as shares of the picture's width and height (0..1), from its top left corner. */
    public record Zone(double x, double y, double w, double h) {
    }

    /** Reads camera {@code id}'s settings; each bad one is logged and added to {@code problems}. */
    public static MotionOptions read(UnaryOperator<String> lookup, String id, List<String> problems) {
        Values v = new Values(lookup, id, problems);
        boolean on = v.choice("motion", "off", List.of("on", "off", "true", "false")).matches("on|true");
        int sensitivity = (int) v.number("motion.sensitivity", 50, 1, 100);
        double minArea = v.number("motion.minArea", 1, 0.01, 100);
        int endAfter = (int) v.number("motion.endAfter", 3, 1, 3600);
        List<Zone> zones = v.zones("motion.zones");
        String webhook = lookup.apply(WEBHOOK);
        boolean url = webhook == null || httpUrl(webhook);
        if (!url) {
            LOG.warning(() -> "Invalid setting " + WEBHOOK + "='" + webhook + "' (an http:// or https:// URL); no webhook");
        }
        return new MotionOptions(on, sensitivity, minArea, zones, endAfter, url ? webhook : null);
    }

    /** Whether {@code text} is an http:// or https:// URL with a host, one the webhook's client takes as it is. */
    private static boolean httpUrl(String text) {
        try {
            URI uri = new URI(text);
            return uri.getScheme() != null && uri.getScheme().matches("https?") && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** A camera's setting looked up as its own key, then as the global default. */
    private record Values(UnaryOperator<String> lookup, String id, List<String> problems) {

        String get(String setting) {
            String v = lookup.apply(Settings.cameraKey(id, setting));
            return v != null ? v : lookup.apply("camstream." + setting);
        }

        String key(String setting) {
            return lookup.apply(Settings.cameraKey(id, setting)) != null ? Settings.cameraKey(id, setting)
                    : "camstream." + setting;
        }

        String choice(String setting, String def, List<String> values) {
            String v = get(setting);
            if (v == null) {
                return def;
            }
            String lower = v.toLowerCase(Locale.ROOT);
            if (values.contains(lower)) {
                return lower;
            }
            bad("setting " + key(setting) + "='" + v + "' is not on or off", def);
            return def;
        }

        double number(String setting, double def, double min, double max) {
            String v = get(setting);
            if (v == null) {
                return def;
            }
            try {
                double n = Double.parseDouble(v);
                if (n >= min && n <= max) {
                    return n;
                }
                bad("setting " + key(setting) + "='" + v + "' is out of range " + text(min) + ".." + text(max), text(def));
            } catch (NumberFormatException e) {
                bad("setting " + key(setting) + "='" + v + "' is not a number", text(def));
            }
            return def;
        }

        List<Zone> zones(String setting) {
            String v = get(setting);
            List<Zone> zones = new ArrayList<>();
            if (v == null) {
                return zones;
            }
            for (String part : v.split(";")) {
                if (part.isBlank()) {
                    continue;
                }
                String[] n = part.split(",");
                try {
                    if (n.length != 4) {
                        throw new NumberFormatException();
                    }
                    double x = Double.parseDouble(n[0].trim()), y = Double.parseDouble(n[1].trim());
                    double w = Double.parseDouble(n[2].trim()), h = Double.parseDouble(n[3].trim());
                    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > 100.0001 || y + h > 100.0001) {
                        throw new NumberFormatException();
                    }
                    zones.add(new Zone(x / 100, y / 100, w / 100, h / 100));
                } catch (NumberFormatException e) {
                    bad("setting " + key(setting) + "='" + v + "': '" + part.trim()
                            + "' is not a rectangle x,y,w,h in percent of the picture", "no mask there");
                }
            }
            return zones;
        }

        private void bad(String msg, String instead) {
            LOG.warning(() -> "Camera '" + id + "': invalid " + msg + "; using " + instead);
            problems.add(msg);
        }

        private static String text(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
