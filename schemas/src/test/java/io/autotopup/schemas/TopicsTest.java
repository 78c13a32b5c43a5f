package io.autotopup.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** Where a key lands: the ledger routes usage in place only when it agrees with Kafka's own partitioner. Seeded. */
class TopicsTest {

    @Test
    void a_key_lands_where_a_java_producer_puts_it() {
        long seed = System.nanoTime();
        System.out.println("TopicsTest seed: " + seed);
        Random random = new Random(seed);
        for (int i = 0; i < 10_000; i++) {
            String key = i % 2 == 0 ? new UUID(random.nextLong(), random.nextLong()).toString()
                    : String.format("+85620%08d", random.nextInt(100_000_000));
            assertThat(Topics.partitionOf(key)).as(key + " (seed " + seed + ")")
                    .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), Topics.PARTITIONS));
        }
    }
}
