package io.autotopup.platform.logging;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * In the {@value #PROFILE} profile every service writes one JSON object per log line (Elastic Common
 * Schema), with phone numbers masked by {@link MaskingJsonMembersCustomizer}. The settings are defaults:
 * an operator's own {@code logging.structured.*} settings win.
 */
public class ProductionLogging implements EnvironmentPostProcessor, Ordered {

    public static final String PROFILE = "prod";

    static final String SOURCE_NAME = "autotopupProductionLogging";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.acceptsProfiles(Profiles.of(PROFILE))) {
            return;
        }
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("logging.structured.format.console", "ecs");
        defaults.put("logging.structured.json.customizer", MaskingJsonMembersCustomizer.class.getName());
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }

    /** After the configuration files are read, so that profiles they activate count. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
