package io.autotopup.topupctl;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * A progress bar on stderr: done of total, rate and time left, redrawn at most 5 times a second. On a terminal
 * it redraws one line; otherwise (a log, CI) it prints a line every 5 seconds.
 */
public final class Progress {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long total;
    private long done;
    private long lastDrawn;

    public Progress(PrintWriter out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.terminal = System.console() != null;
    }

    public void total(long total) {
        this.total = total;
    }

    public long done() {
        return done;
    }

    public void advance(long records) {
        done += records;
        long now = System.nanoTime();
        if (now - lastDrawn >= (terminal ? 200_000_000L : 5_000_000_000L)) {
            lastDrawn = now;
            draw(false);
        }
    }

    public void finish() {
        draw(true);
    }

    /** The records per second so far. */
    public double rate() {
        double seconds = (System.nanoTime() - started) / 1e9;
        return seconds <= 0 ? 0 : done / seconds;
    }

    private void draw(boolean last) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double rate = rate();
        String eta = rate <= 0 || total <= done ? "0s" : format(Duration.ofSeconds((long) ((total - done) / rate)));
        String line = String.format("%s [%s%s] %3d%% %,d/%,d  %,.0f/s  ETA %s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), Math.round(fraction * 100), done, total, rate, eta);
        if (terminal) {
            out.print("\r" + line + (last ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String format(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 3600 ? String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60)
                : seconds >= 60 ? String.format("%dm%02ds", seconds / 60, seconds % 60) : seconds + "s";
    }
}
