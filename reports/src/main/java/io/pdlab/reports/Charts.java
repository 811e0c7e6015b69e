package io.pdlab.reports;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.AbstractCategoryItemRenderer;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;

/**
 * The report's charts, drawn with JFreeChart off-screen and encoded as PNG. Everything that
 * could vary is fixed: size, fonts (the logical SansSerif font), colours per series, white
 * background, category and series order from {@link Analysis}. On one machine the PNG bytes are
 * therefore the same for the same input; across machines the installed fonts may change the
 * glyphs, so only {@code results.json} is promised byte-stable everywhere.
 */
final class Charts {
  static {
    // Charts render into a BufferedImage; never touch a display (CI has none).
    System.setProperty("java.awt.headless", "true");
  }

  static final int WIDTH = 960;
  static final int HEIGHT = 440;

  /** Series colours in order (Okabe-Ito, colour-blind safe); repeats after eight. */
  private static final Color[] PALETTE = {
    new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xCC79A7),
    new Color(0x56B4E9), new Color(0xD55E00), new Color(0xF0E442), new Color(0x000000)
  };

  /** Outcome colours in {@link Outcomes#ALL} order, shared with the outcome matrix's CSS. */
  static final List<String> OUTCOME_HEX =
      List.of("#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a");

  private Charts() {}

  /** (a) Bootstrap time distribution: one box per strategy and size, seconds. */
  static byte[] bootstrapBoxes(Analysis a) {
    DefaultBoxAndWhiskerCategoryDataset data = new DefaultBoxAndWhiskerCategoryDataset();
    Analysis.group(a.baseline, r -> Analysis.key(r.backend(), r.strategy(), r.members(), ""))
        .forEach((k, runs) -> {
          List<Double> seconds = new ArrayList<>();
          Analysis.bootstrapTimes(runs).forEach(ms -> seconds.add(ms / 1000.0));
          if (!seconds.isEmpty()) {
            data.add(seconds, a.label(k.backend(), k.strategy()), k.members() + " members");
          }
        });
    JFreeChart chart = ChartFactory.createBoxAndWhiskerChart(
        "Bootstrap time by strategy and size (" + a.baselineLabel() + ")", "cluster size",
        "bootstrap time (s)", data, true);
    CategoryPlot plot = style(chart);
    BoxAndWhiskerRenderer r = (BoxAndWhiskerRenderer) plot.getRenderer();
    r.setMeanVisible(false);
    r.setMaxOutlierVisible(true);
    r.setMinOutlierVisible(true);
    r.setMaximumBarWidth(0.06);
    r.setFillBox(true);
    r.setUseOutlinePaintForWhiskers(false);
    r.setDefaultOutlinePaint(Color.DARK_GRAY);
    paintSeries(r, data.getRowCount());
    return png(chart, WIDTH, HEIGHT);
  }

  /** (b) Per-join cost: p50 and p95 per strategy and size, seconds. */
  static byte[] joinCosts(Analysis a, List<Analysis.JoinCostRow> rows) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Analysis.JoinCostRow row : rows) {
      String s = a.label(row.backend(), row.strategy());
      String c = row.members() + " members";
      data.addValue(row.stats().p50() / 1000.0, s + " p50", c);
      data.addValue(row.stats().p95() / 1000.0, s + " p95", c);
    }
    JFreeChart chart = ChartFactory.createBarChart(
        "Cost of one join (" + a.baselineLabel() + ")", "cluster size", "per join (s)", data,
        PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = style(chart);
    BarRenderer r = bars(plot);
    // p50 and p95 of a strategy share its colour; p95 is lighter.
    for (int i = 0; i < data.getRowCount(); i++) {
      Color c = PALETTE[(i / 2) % PALETTE.length];
      r.setSeriesPaint(i, i % 2 == 0 ? c : lighter(c));
    }
    return png(chart, WIDTH, HEIGHT);
  }

  /** (c) Unavailable and zero-tolerance time, p50 and p95, per strategy and size, seconds. */
  static byte[] windows(Analysis a, List<Analysis.Windows> rows) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Analysis.Windows w : rows) {
      String c = a.label(w.backend(), w.strategy()) + " / " + w.members();
      data.addValue(w.unavailable().p50() / 1000.0, "unavailable p50", c);
      data.addValue(w.unavailable().p95() / 1000.0, "unavailable p95", c);
      data.addValue(w.zeroTolerance().p50() / 1000.0, "zero-tolerance p50", c);
      data.addValue(w.zeroTolerance().p95() / 1000.0, "zero-tolerance p95", c);
    }
    JFreeChart chart = ChartFactory.createBarChart(
        "Unavailable and zero-tolerance time (all runs)", "strategy / size", "time (s)", data,
        PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = style(chart);
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    BarRenderer r = bars(plot);
    r.setSeriesPaint(0, new Color(0xC62828));
    r.setSeriesPaint(1, lighter(new Color(0xC62828)));
    r.setSeriesPaint(2, new Color(0xEF6C00));
    r.setSeriesPaint(3, lighter(new Color(0xEF6C00)));
    return png(chart, WIDTH, HEIGHT);
  }

  /** (d) Outcome shares per strategy and fault, stacked to 100%. */
  static byte[] outcomes(Analysis a, Map<Ordering.Group, Map<String, Analysis.OutcomeCell>> m) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    int categories = 0;
    for (Map.Entry<Ordering.Group, Map<String, Analysis.OutcomeCell>> row : m.entrySet()) {
      for (Map.Entry<String, Analysis.OutcomeCell> cell : row.getValue().entrySet()) {
        String c = a.label(row.getKey().backend(), row.getKey().strategy()) + " / "
            + cell.getKey();
        categories++;
        for (String o : Outcomes.ALL) {
          data.addValue(cell.getValue().shares().share(o) * 100, o, c);
        }
      }
    }
    JFreeChart chart = ChartFactory.createStackedBarChart(
        "Outcome share by strategy and fault (all sizes)", "strategy / fault", "share of runs (%)",
        data, PlotOrientation.HORIZONTAL, true, false, false);
    CategoryPlot plot = style(chart);
    ((NumberAxis) plot.getRangeAxis()).setRange(0, 100);
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
    BarRenderer r = bars(plot);
    for (int i = 0; i < Outcomes.ALL.size(); i++) {
      r.setSeriesPaint(i, Color.decode(OUTCOME_HEX.get(i)));
    }
    int height = Math.max(HEIGHT, 120 + 26 * categories);
    return png(chart, WIDTH, height);
  }

  // ---- styling and encoding ----

  private static CategoryPlot style(JFreeChart chart) {
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    }
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xBDBDBD));
    plot.setRangeGridlineStroke(new BasicStroke(0.5f));
    plot.setOutlineVisible(false);
    Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    Font tick = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    CategoryAxis domain = plot.getDomainAxis();
    domain.setLabelFont(label);
    domain.setTickLabelFont(tick);
    plot.getRangeAxis().setLabelFont(label);
    plot.getRangeAxis().setTickLabelFont(tick);
    return plot;
  }

  private static BarRenderer bars(CategoryPlot plot) {
    BarRenderer r = (BarRenderer) plot.getRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setDrawBarOutline(false);
    r.setItemMargin(0.02);
    return r;
  }

  private static void paintSeries(AbstractCategoryItemRenderer r, int series) {
    for (int i = 0; i < series; i++) {
      Paint p = PALETTE[i % PALETTE.length];
      r.setSeriesPaint(i, p);
    }
  }

  private static Color lighter(Color c) {
    return new Color((c.getRed() + 255) / 2, (c.getGreen() + 255) / 2, (c.getBlue() + 255) / 2);
  }

  /** Encodes {@code chart} as a PNG of the given size. */
  static byte[] png(JFreeChart chart, int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode chart '" + chart.getTitle().getText() + "'", e);
    }
    return out.toByteArray();
  }
}
