package io.autotopup.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import io.autotopup.topupctl.stack.StackClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the end-to-end tests read of the stack's traces: the one-time codes texted to a number (from the SMS centre's
 * inbox), and everything the stack wrote down (every topic, every store's files, the logs), to look for secrets in.
 */
final class TextedTraces {

    private static final Pattern SIX_DIGITS = Pattern.compile("(?<!\\d)(\\d{6})(?!\\d)");

    private TextedTraces() {
    }

    /** The texts to {@code msisdn} that carry a sign-in code, oldest first. */
    static List<String> codeTexts(StackClient client, String msisdn) {
        List<String> texts = new ArrayList<>();
        for (JsonNode sms : client.inbox(msisdn)) {
            if (sms.path("text").asText().contains("AutoTopUp")) {
                texts.add(sms.path("text").asText());
            }
        }
        return texts;
    }

    /** The code of the text after the first {@code before} code texts, once it has arrived. */
    static String code(StackClient client, String msisdn, int before, Duration patience) {
        AtomicReference<String> code = new AtomicReference<>();
        await().atMost(patience).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<String> texts = codeTexts(client, msisdn);
            if (texts.size() <= before) {
                return false;
            }
            Matcher digits = SIX_DIGITS.matcher(texts.get(texts.size() - 1));
            assertThat(digits.find()).as("a code in " + texts.get(texts.size() - 1)).isTrue();
            code.set(digits.group(1));
            return true;
        });
        return code.get();
    }

    /** Every topic's records (keys and values as bytes), every file under the stores' state directory, and the logs. */
    static String everything(InProcessStack stack, String logs) throws IOException {
        StringBuilder everything = new StringBuilder(logs);
        for (Topic<String, ?> topic : Topics.ALL) {
            for (ConsumerRecord<String, byte[]> record : CommittedRecords.of(stack.endpoints.kafkaBootstrap(), topic.name(),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                everything.append(record.key()).append(' ');
                if (record.value() != null) {
                    everything.append(new String(record.value(), StandardCharsets.ISO_8859_1)).append('\n');
                }
            }
        }
        try (Stream<Path> files = Files.walk(stack.stateDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                everything.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return everything.toString();
    }
}
