package io.autotopup.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotopup.platform.Msisdns;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

@ExtendWith(OutputCaptureExtension.class)
class ProductionLoggingTest {

    private static final String LINE = "charge declined for +8562055512345 (marker-%s)";

    @Test
    void theProdProfileWritesOneJsonObjectPerLineWithPhoneNumbersMasked(CapturedOutput output) throws Exception {
        runAndLog("prod", "json");

        String line = lineWith(output, "marker-json");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("message").asText()).isEqualTo("charge declined for +856******2345 (marker-json)");
        assertThat(json.path("@timestamp").asText()).isNotBlank();
        assertThat(json.path("log").path("level").asText()).isEqualTo("WARN");
        assertThat(output.getOut()).doesNotContain("+8562055512345");
    }

    @Test
    void withoutTheProdProfileLogsStayReadableText(CapturedOutput output) {
        runAndLog("default", "text");

        String line = lineWith(output, "marker-text");
        assertThat(line).doesNotStartWith("{").contains("WARN");
    }

    @Test
    void anOperatorsOwnStructuredFormatWins(CapturedOutput output) throws Exception {
        runAndLog("prod", "gelf", "--logging.structured.format.console=gelf");

        JsonNode json = new ObjectMapper().readTree(lineWith(output, "marker-gelf"));
        assertThat(json.path("version").asText()).isEqualTo("1.1");
        assertThat(json.path("short_message").asText()).contains("+856******2345");
    }

    @Test
    void numbersInsideFreeTextAreMaskedAndEverythingElseIsLeftAlone() {
        assertThat(Msisdns.maskWithin("from +8562055512345 to +66812345678, order 12345678"))
                .isEqualTo("from +856******2345 to +668****5678, order 12345678");
        assertThat(Msisdns.maskWithin("amount +1500 LAK")).isEqualTo("amount +1500 LAK");
        assertThat(Msisdns.maskWithin(null)).isNull();
    }

    private static void runAndLog(String profile, String marker, String... args) {
        SpringApplication application = new SpringApplication(Empty.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setAdditionalProfiles(profile);
        application.setDefaultProperties(java.util.Map.of("spring.main.banner-mode", "off"));
        try (ConfigurableApplicationContext ignored = application.run(args)) {
            LoggerFactory.getLogger("io.autotopup.payment").warn(LINE.formatted(marker));
        }
    }

    private static String lineWith(CapturedOutput output, String marker) {
        return Arrays.stream(output.getOut().split("\\R"))
                .filter(line -> line.contains(marker))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no log line with " + marker + " in:\n" + output.getOut()));
    }

    @Configuration(proxyBeanMethods = false)
    static class Empty {
    }
}
