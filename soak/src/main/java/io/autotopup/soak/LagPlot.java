package io.autotopup.soak;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/** Consumer lag over the soak, one line per consumer group, with each fault marked where it happened. */
final class LagPlot {

    /** A sample: ms since the start, records behind per group. */
    record Sample(long atMs, Map<String, Long> lag) {
    }

    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private LagPlot() {
    }

    static void write(List<Sample> samples, List<Faults.Fault> faults, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int width = 1400;
        int height = 700;
        int left = 80;
        int right = 330;
        int top = 40;
        int bottom = 60;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        long end = Math.max(1, samples.isEmpty() ? 1 : samples.get(samples.size() - 1).atMs());
        long max = Math.max(10, samples.stream().flatMap(s -> s.lag().values().stream()).mapToLong(Long::longValue).max().orElse(10));
        int plotWidth = width - left - right;
        int plotHeight = height - top - bottom;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("Consumer lag (records behind, log scale) per group; red lines: faults", left, 22);
        g.drawRect(left, top, plotWidth, plotHeight);
        double logMax = Math.log10(max + 1);
        for (long tick = 1; tick <= max; tick *= 10) {
            int y = top + plotHeight - (int) (plotHeight * Math.log10(tick + 1) / logMax);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, left + plotWidth, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%,d", tick), 8, y + 4);
        }
        long step = Math.max(10_000, end / 10 / 10_000 * 10_000);
        for (long t = 0; t <= end; t += step) {
            int x = left + (int) (plotWidth * t / end);
            g.drawString((t / 1000) + " s", x - 10, top + plotHeight + 20);
        }
        g.setColor(new Color(0xcc0000));
        for (Faults.Fault fault : faults) {
            int x = left + (int) (plotWidth * fault.atMs() / end);
            g.drawLine(x, top, x, top + plotHeight);
        }
        TreeSet<String> groups = new TreeSet<>();
        samples.forEach(sample -> groups.addAll(sample.lag().keySet()));
        int index = 0;
        g.setStroke(new BasicStroke(1.6f));
        for (String group : groups) {
            Color colour = COLOURS[index % COLOURS.length];
            g.setColor(colour);
            int previousX = -1;
            int previousY = -1;
            for (Sample sample : samples) {
                Long lag = sample.lag().get(group);
                if (lag == null) {
                    continue;
                }
                int x = left + (int) (plotWidth * sample.atMs() / end);
                int y = top + plotHeight - (int) (plotHeight * Math.log10(lag + 1) / logMax);
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, x, y);
                }
                previousX = x;
                previousY = y;
            }
            g.fillRect(left + plotWidth + 15, top + 10 + index * 20, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(group, left + plotWidth + 32, top + 21 + index * 20);
            index++;
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }
}
