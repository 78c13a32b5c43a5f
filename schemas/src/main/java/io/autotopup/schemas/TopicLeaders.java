package io.autotopup.schemas;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Waits until the leader of each partition of topics just created has it. A topic's creation is answered when the
 * controller has recorded it, and the broker creates the partitions a moment later. A producer that writes at once
 * can have its first batch of a partition refused (not the leader yet) while its next batches are taken; an
 * idempotent producer then cannot deliver the first batch at all (out of order), and gives up on its records after
 * the delivery timeout (CI lost records of TopicFilesIT that way). Listing a partition's offsets is answered only by
 * a leader that has it. The admin client retries a partition without a leader by itself, but not a topic its
 * metadata does not know yet (a suite run failed on that), so retriable errors are retried here, for up to 30 s.
 */
public final class TopicLeaders {

    private TopicLeaders() {
    }

    /** @param partitionsByTopic each new topic's name and number of partitions */
    public static void await(Admin admin, Map<String, Integer> partitionsByTopic) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitionsByTopic.forEach((topic, partitions) -> {
            for (int partition = 0; partition < partitions; partition++) {
                latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.listOffsets(latest).all().get();
                return;
            } catch (ExecutionException notYet) {
                if (!(notYet.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw notYet;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }
}
