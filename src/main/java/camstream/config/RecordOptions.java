package camstream.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one camera records. A bad value is logged with its setting and replaced by the default, and
 * named in {@code problem}: it shows in the camera's recording status, not as a camera problem, so
 * live pictures never depend on the recording settings.
 *
 * @param dir         the recordings directory ({@code {dir}/{camera}} holds this camera's files); null: none
 * @param dirSetting  the setting that named {@code dir}, for messages
 * @param mode        off, motion or continuous
 * @param format      auto (mp4 where H.264 is there), mp4 or avi
 * @param keepSize    bytes kept at most; 0: no limit
 * @param problem     the bad settings in words, or null
 */
public record RecordOptions(Path dir, String dirSetting, String mode, int fileSeconds, int preRollSeconds,
                            int postRollSeconds, int keepDays, long keepSize, String format, String problem) {

    public static final String RECORDINGS = "camstream.recordings";
    public static final List<String> MODES = List.of("off", "motion", "continuous");
    public static final List<String> FORMATS = List.of("auto", "mp4", "avi");
    public static final RecordOptions OFF = new RecordOptions(null, RECORDINGS, "off", 600, 5, 10, 0, 0, "auto", null);

    private static final Logger LOG = Logger.getLogger(RecordOptions.class.getName());
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,15})\\s*([KMGT]?)B?", Pattern.CASE_INSENSITIVE);

    /** Whether this camera records continuously or on motion (manual recordings need only a directory). */
    public boolean automatic() {
        return !"off".equals(mode);
    }

    /** The camera {@code id}'s settings (global defaults under {@code camstream.record.*} and {@code camstream.recordings}). */
    static RecordOptions read(UnaryOperator<String> lookup, String id) {
        List<String> problems = new ArrayList<>();
        Path dir = null;
        String dirKey = Settings.cameraKey(id, "recordings");
        String dirText = lookup.apply(dirKey);
        if (dirText == null) {
            dirKey = RECORDINGS;
            dirText = lookup.apply(RECORDINGS);
        }
        if (dirText != null) {
            try {
                dir = Path.of(dirText);
                if (!dir.isAbsolute()) {
                    problems.add("setting " + dirKey + "='" + dirText + "' is not an absolute path");
                    dir = null;
                }
            } catch (InvalidPathException e) {
                problems.add("setting " + dirKey + "='" + dirText + "' is not a path (" + e.getMessage() + ")");
            }
        }
        String mode = choice(lookup, id, "record", "off", MODES, problems);
        String format = choice(lookup, id, "record.format", "auto", FORMATS, problems);
        int fileSeconds = integer(lookup, id, "record.fileSeconds", 600, 5, 86_400, problems);
        int preRoll = integer(lookup, id, "record.preRoll", 5, 0, 60, problems);
        int postRoll = integer(lookup, id, "record.postRoll", 10, 0, 3_600, problems);
        int keepDays = integer(lookup, id, "record.keepDays", 0, 0, 36_500, problems);
        long keepSize = size(lookup, id, "record.keepSize", problems);
        if (dir == null && !"off".equals(mode)) {
            problems.add("setting " + Settings.cameraKey(id, "record") + "='" + mode + "' needs a directory: set "
                    + RECORDINGS + " or " + Settings.cameraKey(id, "recordings"));
        }
        for (String p : problems) {
            LOG.warning(() -> "Camera '" + id + "': invalid " + p + "; recording uses the default");
        }
        return new RecordOptions(dir, dirKey, mode, fileSeconds, preRoll, postRoll, keepDays, keepSize, format,
                problems.isEmpty() ? null : String.join("; ", problems));
    }

    /** The camera's value of {@code setting}, else the global {@code camstream.setting}. */
    private static String value(UnaryOperator<String> lookup, String id, String setting, String[] key) {
        key[0] = Settings.cameraKey(id, setting);
        String v = lookup.apply(key[0]);
        if (v == null) {
            key[0] = "camstream." + setting;
            v = lookup.apply(key[0]);
        }
        return v;
    }

    private static String choice(UnaryOperator<String> lookup, String id, String setting, String def, List<String> values,
                                 List<String> problems) {
        String[] key = new String[1];
        String v = value(lookup, id, setting, key);
        if (v == null) {
            return def;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (values.contains(lower)) {
            return lower;
        }
        problems.add("setting " + key[0] + "='" + v + "' is not one of " + String.join(", ", values));
        return def;
    }

    private static int integer(UnaryOperator<String> lookup, String id, String setting, int def, int min, int max,
                               List<String> problems) {
        String[] key = new String[1];
        String v = value(lookup, id, setting, key);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
            problems.add("setting " + key[0] + "='" + v + "' is out of range " + min + ".." + max);
        } catch (NumberFormatException e) {
            problems.add("setting " + key[0] + "='" + v + "' is not a whole number");
        }
        return def;
    }

    /** A byte count with an optional K, M, G or T (powers of 1024), e.g. {@code 10G}. */
    private static long size(UnaryOperator<String> lookup, String id, String setting, List<String> problems) {
        String[] key = new String[1];
        String v = value(lookup, id, setting, key);
        if (v == null) {
            return 0;
        }
        Matcher m = SIZE.matcher(v);
        if (!m.matches()) {
            problems.add("setting " + key[0] + "='" + v + "' is not a size such as 500M or 10G");
            return 0;
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        if (n > Long.MAX_VALUE >> shift) {
            problems.add("setting " + key[0] + "='" + v + "' is too large");
            return 0;
        }
        return n << shift;
    }
}
