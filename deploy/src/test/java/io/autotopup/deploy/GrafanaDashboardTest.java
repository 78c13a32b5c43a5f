package io.autotopup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard imports (valid JSON, unique panel ids, every panel queries the chosen Prometheus)
 * and speaks of the same business series as the operations guide. That the services publish them is checked
 * end to end by {@code AutoTopUpJourneyIT}.
 */
class GrafanaDashboardTest {

    private static final Pattern BUSINESS_SERIES = Pattern.compile("\\b(autotopup_[a-z_]+?)(?:_total|_bucket|_count|_sum)?\\b");

    @Test
    void everyPanelHasAUniqueIdAndQueriesTheChosenPrometheus() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(RepositoryFiles.root().resolve("deploy/grafana/autotopup-dashboard.json").toFile());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id " + panel.path("id")).isTrue();
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText()).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty()
                    .allSatisfy(target -> assertThat(target.path("expr").asText()).contains("application=~\"$application\""));
        }
        assertThat(dashboard.path("templating").path("list").findValuesAsText("name")).contains("datasource", "application");
    }

    @Test
    void theDashboardAndTheOperationsGuideNameTheSameBusinessSeries() throws Exception {
        Set<String> plotted = series(Files.readString(RepositoryFiles.root().resolve("deploy/grafana/autotopup-dashboard.json")));
        Set<String> documented = series(Files.readString(RepositoryFiles.root().resolve("docs/operations.md")));
        assertThat(plotted).isEqualTo(documented);
    }

    private static Set<String> series(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = BUSINESS_SERIES.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
