package camstream.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The CSV rows {@link Bench} writes, each a map from column name to value (values never hold commas). */
final class Csv {

    private Csv() {
    }

    static List<Map<String, String>> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        return lines.stream().skip(1).map(l -> {
            String[] f = l.split(",", -1);
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                m.put(header.get(i), i < f.length ? f[i] : ""); // a row from before a column was added
            }
            return m;
        }).toList();
    }

    /** A column of {@code rows} as numbers, in the rows' order. */
    static double[] values(List<Map<String, String>> rows, String key) {
        return rows.stream().mapToDouble(r -> Double.parseDouble(r.get(key))).toArray();
    }

    static double median(double[] values) {
        double[] a = values.clone();
        Arrays.sort(a);
        return a.length == 0 ? Double.NaN : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** The median, and with several runs each run's value in brackets, in the order they ran. */
    static String runs(double[] values, String format) {
        String m = String.format(Locale.ROOT, format, median(values));
        if (values.length < 2) {
            return m;
        }
        return m + " (" + Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, format, v))
                .collect(Collectors.joining(", ")) + ")";
    }
}
