package io.autotopup.payment.adapter.out.kafka;

import io.autotopup.events.TopUpRequested;
import io.autotopup.schemas.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Defers a request to a retry topic, one per delay, so that it waits there instead of blocking its partition.
 * Called inside the listener's transaction: the request moves to the retry topic and its offset commits
 * together.
 */
public final class KafkaTopUpRetries {

    /** Epoch milliseconds before which a deferred request is not tried again. */
    public static final String DUE_HEADER = "autotopup-retry-due";

    private final KafkaTemplate<String, SpecificRecord> template;

    public KafkaTopUpRetries(KafkaTemplate<String, SpecificRecord> template) {
        this.template = template;
    }

    public static String topic(int tier) {
        return Topics.TOP_UP_REQUESTS.retryTopic(tier);
    }

    public static int tier(String topic) {
        return Integer.parseInt(topic.substring(topic.lastIndexOf('-') + 1));
    }

    public static long due(byte[] header) {
        return ByteBuffer.wrap(header).getLong();
    }

    public void defer(TopUpRequested request, int tier, Instant due) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(topic(tier), request.getSubscriberId(), request);
        record.headers().add(DUE_HEADER, ByteBuffer.allocate(Long.BYTES).putLong(due.toEpochMilli()).array());
        template.send(record);
    }
}
