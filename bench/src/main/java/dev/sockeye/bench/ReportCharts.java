package dev.sockeye.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** PNG charts of the report, drawn by XChart off screen (the report runs headless). Stateless. */
final class ReportCharts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;

  private ReportCharts() {}

  /** One series: its name and its points (x, y); points whose y is not positive are left out (log scale). */
  record Line(String name, List<double[]> points) {}

  /** A line chart with numeric x, one line per series; {@code file} gets the PNG. */
  static void lines(Path file, String title, String xTitle, String yTitle, boolean logY, List<Line> lines) throws IOException {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setYAxisLogarithmic(logY).setLegendPosition(Styler.LegendPosition.OutsideE).setMarkerSize(8);
    for (Line line : lines) {
      List<double[]> points = line.points().stream().filter(p -> p[1] > 0).toList();
      if (!points.isEmpty()) {
        chart.addSeries(line.name(), points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
      }
    }
    save(file, chart.getSeriesMap().isEmpty() ? null : chart);
  }

  /**
   * Grouped bars: one group per category, one bar per series. Every series has a value for every category
   * (XChart requires the same categories in each); a value that is not positive is drawn as absent.
   */
  static void bars(Path file, String title, String yTitle, boolean logY, List<String> categories, Map<String, List<Double>> series)
      throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(yTitle).build();
    chart.getStyler().setYAxisLogarithmic(logY).setLegendPosition(Styler.LegendPosition.OutsideE);
    double min = series.values().stream().flatMap(List::stream).filter(v -> v != null && v > 0).mapToDouble(Double::doubleValue).min().orElse(1);
    if (logY) {
      chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min)))); // bars start at 0 otherwise, which a log axis cannot show
    }
    series.forEach((name, values) -> chart.addSeries(name, categories,
        values.stream().map(v -> v == null || !(v > 0) ? (Number) null : v).toList()));
    save(file, series.isEmpty() ? null : chart);
  }

  private static void save(Path file, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) throws IOException {
    if (chart == null) {
      throw new IllegalArgumentException("nothing to plot in " + file);
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
