package io.autotopup.benchmarks;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * What the broker holds, per topic, in bytes of log (record batches with their headers, as written): read before
 * and after a run, the difference is what the run appended. Log cleaning could only make it smaller; it does not
 * touch the active segment, where a short run's appends stay.
 */
final class LogSizes {

    private LogSizes() {
    }

    static Map<String, Long> byTopic(String bootstrap) throws ExecutionException, InterruptedException {
        Map<String, Long> sizes = new TreeMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var brokers = admin.describeCluster().nodes().get().stream().map(node -> node.id()).toList();
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
                for (LogDirDescription dir : dirs.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                        sizes.merge(replica.getKey().topic(), replica.getValue().size(), Long::sum);
                    }
                }
            }
        }
        return sizes;
    }

    /** Per topic, how much it grew (topics that did not grow are left out). */
    static Map<String, Long> growth(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> grown = new TreeMap<>();
        after.forEach((topic, size) -> {
            long delta = size - before.getOrDefault(topic, 0L);
            if (delta > 0) {
                grown.put(topic, delta);
            }
        });
        return grown;
    }
}
