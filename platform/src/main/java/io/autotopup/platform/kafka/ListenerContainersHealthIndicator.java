package io.autotopup.platform.kafka;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

/** DOWN when a listener container stopped abnormally (e.g. its producer was fenced), so the instance is restarted. */
public final class ListenerContainersHealthIndicator implements HealthIndicator {

    private final ObjectProvider<KafkaListenerEndpointRegistry> registry;

    public ListenerContainersHealthIndicator(ObjectProvider<KafkaListenerEndpointRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        KafkaListenerEndpointRegistry listeners = registry.getIfAvailable();
        if (listeners == null) {
            return health.build();
        }
        for (MessageListenerContainer container : listeners.getListenerContainers()) {
            boolean childrenRunning = !(container instanceof ConcurrentMessageListenerContainer<?, ?> concurrent)
                    || !concurrent.isRunning() || concurrent.getContainers().stream().allMatch(MessageListenerContainer::isRunning);
            boolean healthy = container.isInExpectedState() && childrenRunning
                    && (container.isRunning() || !container.isAutoStartup());
            health.withDetail(container.getListenerId(), healthy ? "running" : "stopped abnormally");
            if (!healthy) {
                health.down();
            }
        }
        return health.build();
    }
}
