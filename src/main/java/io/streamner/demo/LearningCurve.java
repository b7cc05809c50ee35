package io.streamner.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Prequential F1 and loss against examples seen, drawn as a PNG with plain Java2D (no charting
 * library): F1 on the left axis from 0 to 1, loss on the right axis from 0 to its maximum.
 */
public final class LearningCurve {
  /** One point: the F1 and mean loss of the labelled tokens scored since the previous point. */
  public record Point(long examplesSeen, double f1, double loss) {}

  private static final int WIDTH = 960;
  private static final int HEIGHT = 540;
  private static final int LEFT = 80;
  private static final int RIGHT = 80;
  private static final int TOP = 60;
  private static final int BOTTOM = 70;
  private static final Color F1_COLOR = new Color(0x1f, 0x77, 0xb4);
  private static final Color LOSS_COLOR = new Color(0xd6, 0x27, 0x28);

  private final List<Point> points = new ArrayList<>();

  public void add(Point p) {
    points.add(p);
  }

  public List<Point> points() {
    return List.copyOf(points);
  }

  public void writePng(Path file, String title) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);

    long maxX = Math.max(1, points.isEmpty() ? 1 : points.get(points.size() - 1).examplesSeen());
    double maxLoss = 0;
    for (Point p : points) maxLoss = Math.max(maxLoss, p.loss());
    maxLoss = maxLoss > 0 ? niceCeiling(maxLoss) : 1;
    int plotWidth = WIDTH - LEFT - RIGHT;
    int plotHeight = HEIGHT - TOP - BOTTOM;

    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    for (int i = 0; i <= 5; i++) {
      int y = TOP + plotHeight - i * plotHeight / 5;
      g.setColor(new Color(0xe8, 0xe8, 0xe8));
      g.drawLine(LEFT, y, LEFT + plotWidth, y);
      g.setColor(F1_COLOR);
      g.drawString(String.format("%.1f", i / 5.0), LEFT - 34, y + 5);
      g.setColor(LOSS_COLOR);
      g.drawString(String.format("%.2f", maxLoss * i / 5), LEFT + plotWidth + 8, y + 5);
    }
    g.setColor(Color.DARK_GRAY);
    for (int i = 0; i <= 5; i++) {
      int x = LEFT + i * plotWidth / 5;
      g.drawLine(x, TOP + plotHeight, x, TOP + plotHeight + 5);
      String label = String.format("%,d", maxX * i / 5);
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + plotHeight + 22);
    }
    g.drawRect(LEFT, TOP, plotWidth, plotHeight);
    g.drawString("examples seen (training windows)", LEFT + plotWidth / 2 - 100, HEIGHT - 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(F1_COLOR);
    g.drawString("prequential F1 (left)", LEFT, 50);
    g.setColor(LOSS_COLOR);
    g.drawString("prequential loss (right)", LEFT + 180, 50);

    g.setStroke(new BasicStroke(2f));
    drawSeries(g, maxX, plotWidth, plotHeight, 1.0, true);
    drawSeries(g, maxX, plotWidth, plotHeight, maxLoss, false);
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private void drawSeries(
      Graphics2D g, long maxX, int plotWidth, int plotHeight, double maxY, boolean f1) {
    g.setColor(f1 ? F1_COLOR : LOSS_COLOR);
    int px = -1, py = -1;
    for (Point p : points) {
      double value = f1 ? p.f1() : p.loss();
      int x = LEFT + (int) Math.round((double) p.examplesSeen() / maxX * plotWidth);
      int y = TOP + plotHeight - (int) Math.round(Math.min(value / maxY, 1.0) * plotHeight);
      if (px >= 0) g.drawLine(px, py, x, y);
      else g.fillOval(x - 2, y - 2, 4, 4);
      px = x;
      py = y;
    }
  }

  /** 1, 2 or 5 times a power of ten, at or above v: round axis labels. */
  static double niceCeiling(double v) {
    double power = Math.pow(10, Math.floor(Math.log10(v)));
    for (double step : new double[] {1, 2, 5, 10}) if (step * power >= v) return step * power;
    return 10 * power;
  }
}
