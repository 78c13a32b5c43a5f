package io.autotopup.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suite's results: every run of every figure (raw JSON) and a Markdown table of medians, with the machine,
 * versions and settings they were measured with.
 */
final class Report {

    /** One figure: its runs, the median, and what it is compared with. */
    record Figure(String section, String name, String unit, List<Double> runs, String note) {
        double median() {
            return Report.median(runs);
        }
    }

    /**
     * A figure against its goal (issue 19's table), printed beside it at the end of the run and at the top of the report.
     *
     * @param relation "≥", "≤" or "<"; null for a figure that is only reported
     */
    record Target(Figure figure, String relation, double bound, String unit) {

        boolean met() {
            double value = figure.median();
            return relation == null || switch (relation) {
                case "≥" -> value >= bound;
                case "≤" -> value <= bound;
                case "<" -> value < bound;
                default -> throw new IllegalArgumentException(relation);
            };
        }

        String goal() {
            return relation == null ? "reported" : relation + " " + format(bound) + (unit.isEmpty() ? "" : " " + unit);
        }

        String verdict() {
            return relation == null ? "" : met() ? "met" : "missed by " + format(Math.abs(figure.median() - bound))
                    + (unit.isEmpty() ? "" : " " + unit);
        }

        /**
         * The figure's section and name: "2. Ingest (balance-service): ratio events/s ÷ (R / 3)". The whole section,
         * since one section's figure can come twice (section 4 at two rates).
         */
        String label() {
            return figure.section() + ": " + figure.name();
        }

        String line() {
            return label() + ": " + format(figure.median())
                    + (figure.unit().isEmpty() ? "" : " " + figure.unit()) + "; target " + goal()
                    + (verdict().isEmpty() ? "" : ": " + verdict());
        }
    }

    private final Map<String, Object> environment = new LinkedHashMap<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final List<String> findings = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();

    void environment(String key, Object value) {
        environment.put(key, value);
    }

    void setting(String key, Object value) {
        settings.put(key, value);
    }

    Figure add(String section, String name, String unit, List<Double> runs, String note) {
        Figure figure = new Figure(section, name, unit, List.copyOf(runs), note);
        figures.add(figure);
        return figure;
    }

    /** Holds {@code figure}'s median against {@code relation bound}; see {@link Target}. */
    Figure target(Figure figure, String relation, double bound) {
        targets.add(new Target(figure, relation, bound, figure.unit()));
        return figure;
    }

    /** A figure the issue asks to see without a bound: listed among the targets as "reported". */
    Figure reported(Figure figure) {
        return target(figure, null, 0);
    }

    List<Target> targets() {
        return targets;
    }

    void finding(String text) {
        findings.add(text);
    }

    List<Figure> figures() {
        return figures;
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    void write(Path markdown, Path json) throws IOException {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("environment", environment);
        raw.put("settings", settings);
        List<Map<String, Object>> all = new ArrayList<>();
        for (Figure figure : figures) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("section", figure.section());
            entry.put("name", figure.name());
            entry.put("unit", figure.unit());
            entry.put("median", figure.median());
            entry.put("runs", figure.runs());
            entry.put("note", figure.note());
            all.add(entry);
        }
        raw.put("figures", all);
        List<Map<String, Object>> goals = new ArrayList<>();
        for (Target target : targets) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("section", target.figure().section());
            entry.put("name", target.figure().name());
            entry.put("median", target.figure().median());
            entry.put("target", target.goal());
            entry.put("verdict", target.verdict());
            goals.add(entry);
        }
        raw.put("targets", goals);
        raw.put("findings", findings);
        Files.createDirectories(json.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), raw);

        StringBuilder out = new StringBuilder();
        out.append("## Results\n\n");
        out.append("Measured by `./benchmarks.sh` (").append(environment.get("date")).append("). Medians of ")
                .append(settings.get("runs")).append(" runs; every run is in [").append(json.getFileName()).append("](")
                .append(json.getFileName()).append(").\n\n");
        out.append("| | |\n|---|---|\n");
        environment.forEach((key, value) -> out.append("| ").append(key).append(" | ").append(value).append(" |\n"));
        settings.forEach((key, value) -> out.append("| ").append(key).append(" | ").append(value).append(" |\n"));
        if (!targets.isEmpty()) {
            out.append("\n### Targets\n\n| figure | median | target | |\n|---|---:|---|---|\n");
            for (Target target : targets) {
                out.append("| ").append(target.label())
                        .append(" | ").append(format(target.figure().median())).append(' ').append(target.figure().unit())
                        .append(" | ").append(target.goal()).append(" | ").append(target.verdict()).append(" |\n");
            }
        }
        String section = null;
        for (Figure figure : figures) {
            if (!figure.section().equals(section)) {
                section = figure.section();
                out.append("\n### ").append(section).append("\n\n| figure | median | runs | |\n|---|---:|---|---|\n");
            }
            out.append("| ").append(figure.name()).append(" | ").append(format(figure.median())).append(' ').append(figure.unit())
                    .append(" | ").append(String.join(", ", figure.runs().stream().map(Report::format).toList())).append(" | ")
                    .append(figure.note() == null ? "" : figure.note()).append(goalOf(figure)).append(" |\n");
        }
        if (!findings.isEmpty()) {
            out.append("\n### Findings\n\n");
            findings.forEach(finding -> out.append("- ").append(finding).append('\n'));
        }
        Files.writeString(markdown, out.toString());
    }

    private String goalOf(Figure figure) {
        return targets.stream().filter(target -> target.figure() == figure && target.relation() != null).findFirst()
                .map(target -> " (target " + target.goal() + ": " + target.verdict() + ")").orElse("");
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    static List<Double> list(double... values) {
        return Arrays.stream(values).boxed().toList();
    }
}
