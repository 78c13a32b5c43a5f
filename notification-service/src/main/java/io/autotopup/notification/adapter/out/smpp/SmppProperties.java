package io.autotopup.notification.adapter.out.smpp;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The SMS centre and how to bind to it.
 *
 * @param sourceAddress the alphanumeric sender the subscriber sees
 * @param messagesPerSecond the segments per second the SMS centre allows
 */
@ConfigurationProperties("autotopup.smpp")
public record SmppProperties(@DefaultValue("127.0.0.1") String host, @DefaultValue("2775") int port,
        @DefaultValue("autotopup") String systemId, @DefaultValue("secret") String password,
        @DefaultValue("AutoTopUp") String sourceAddress, @DefaultValue("30s") Duration enquireLinkInterval,
        @DefaultValue("5s") Duration responseTimeout, @DefaultValue("50") int messagesPerSecond) {
}
