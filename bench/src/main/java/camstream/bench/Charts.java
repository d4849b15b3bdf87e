package camstream.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Draws the sweep from the CSV that {@link Bench} writes: per-viewer fps and server CPU-µs per
 * delivered frame against the number of viewers, one line per container.
 *
 * <pre>Charts rows.csv out-dir size</pre>
 */
public final class Charts {

    private Charts() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[1]);
        String size = args.length > 2 ? args[2] : "640x480";
        List<Map<String, String>> rows = Csv.read(Path.of(args[0])).stream()
                .filter(m -> m.get("label").endsWith("@ " + size)).toList();
        chart(rows, "fps per viewer (median; dashed: 1st percentile), " + size + "@30", "fps", false,
                out.resolve("fps.png"), Map.of("", r -> num(r, "fps_median"), " p1", r -> num(r, "fps_p1")));
        // Log scale: one viewer costs the whole capture and encode, a thousand share it.
        chart(rows, "server CPU per delivered frame, " + size + "@30", "CPU-µs per frame (log scale)", true,
                out.resolve("cpu-per-frame.png"), Map.of("", r -> num(r, "cpu_us_per_frame")));
        chart(rows, "latency p99 (capture to last byte), " + size + "@30", "ms", false,
                out.resolve("latency-p99.png"), Map.of("", r -> num(r, "latency_p99_ms")));
    }

    private static double num(Map<String, String> row, String key) {
        return Double.parseDouble(row.get(key));
    }

    private static void chart(List<Map<String, String>> rows, String title, String yLabel, boolean logY, Path file,
                              Map<String, ToDoubleFunction<Map<String, String>>> values) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (Map<String, String> r : rows) {
            for (Map.Entry<String, ToDoubleFunction<Map<String, String>>> v : values.entrySet()) {
                String name = r.get("container") + v.getKey();
                series.computeIfAbsent(name, n -> {
                    XYSeries s = new XYSeries(n, true, true);
                    data.addSeries(s);
                    return s;
                }).addOrUpdate(num(r, "viewers"), v.getValue().applyAsDouble(r));
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "viewers", yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogarithmicAxis x = new LogarithmicAxis("viewers (log scale)");
        x.setAllowNegativesFlag(false);
        plot.setDomainAxis(x);
        if (logY) {
            plot.setRangeAxis(new LogarithmicAxis(yLabel));
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        Color[] colors = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd)};
        Map<String, Color> byContainer = new LinkedHashMap<>();
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String name = (String) data.getSeriesKey(i);
            String container = name.split(" ")[0];
            Color c = byContainer.computeIfAbsent(container, k -> colors[byContainer.size() % colors.length]);
            renderer.setSeriesPaint(i, c);
            renderer.setSeriesStroke(i, name.contains(" ") ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f) : new BasicStroke(2.5f));
        }
        plot.setRenderer(renderer);
        Files.createDirectories(file.getParent());
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 800, 450);
    }
}
