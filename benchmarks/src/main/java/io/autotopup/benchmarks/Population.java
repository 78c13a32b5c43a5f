package io.autotopup.benchmarks;

import io.autotopup.events.Language;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.schemas.Events;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmark's subscribers and their usage, written to the catalogue topics before the service under test
 * starts: as a carrier's provisioning and billing systems would, keyed and encoded as the services expect.
 */
final class Population {

    static final long OPENING_BALANCE = 1_000_000_000L;
    static final long CHARGE = 10;

    private final String bootstrap;
    /** When the subscribers registered, an hour before the population was made; their usage starts a minute later. */
    private final Instant registeredAt = Instant.now().minusSeconds(3600);

    Population(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /**
     * Whether a subscriber's id lies on their number's partition, as balance-service chooses it at registration
     * (KafkaSubscriberEvents), so that their usage is applied where it arrives; false (--unaligned-ids): ids as a
     * migration from another system would bring them, whose usage mostly goes through the repartition topic.
     */
    static volatile boolean alignedIds = true;

    /** The subscriber's id: {@code bench-n}, with the first suffix that puts it on the number's partition when aligned. */
    static String subscriberId(int n) {
        String id = "bench-" + n;
        if (!alignedIds) {
            return id;
        }
        int partition = Topics.partitionOf(msisdn(n));
        for (int suffix = 1; Topics.partitionOf(id) != partition; suffix++) {
            id = "bench-" + n + "-" + suffix;
        }
        return id;
    }

    static String msisdn(int n) {
        return String.format("+85620%08d", n);
    }

    /** A usage event as a carrier sends it; its encoded size is the record size of the anchor. */
    static UsageRecorded usage(int subscriber, long sequence, Instant at) {
        return UsageRecorded.newBuilder().setEventId("cdr-" + sequence).setCarrierId("unitel").setMsisdn(msisdn(subscriber))
                .setUsageType(UsageType.DATA).setUnits(100).setUnit("MB").setCharge(Events.money(CHARGE, "LAK")).setOccurredAt(at)
                .build();
    }

    static int usageRecordSize() {
        return Topics.USAGE_EVENTS.valueSerde().serializer().serialize("usage-events", usage(99_999, 999_999, Instant.now())).length;
    }

    void createCatalogueTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (Topic<String, ?> topic : Topics.ALL) {
                topics.add(new NewTopic(topic.name(), Topics.PARTITIONS, (short) 1).configs(topic.configs()));
                topics.add(new NewTopic(topic.deadLetterTopic(), Topics.PARTITIONS, (short) 1));
            }
            // a topic that is there already counts as made: on a busy machine the admin client's request can time out after
            // the broker made the topic, and its retry is then answered TopicExistsException
            for (var made : admin.createTopics(topics).values().values()) {
                try {
                    made.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
            // until each partition's leader has it: a producer that starts earlier loses its first batch
            io.autotopup.schemas.TopicLeaders.await(admin, topics.stream()
                    .collect(java.util.stream.Collectors.toMap(NewTopic::name, NewTopic::numPartitions)));
        }
    }

    /** Registers {@code subscribers} and writes {@code events} usage events spread evenly over them; records per second. */
    double write(int subscribers, long events) {
        long started = System.nanoTime();
        send(subscribers, events, subscribers);
        double rate = (subscribers + events) / ((System.nanoTime() - started) / 1e9);
        settleToDisk();
        return rate;
    }

    /**
     * Writes {@code events} usage events spread evenly over {@code subscribers} already registered, the same events
     * each time (so the same ids, times and balances as {@link #write}): what a carrier's billing sends while the
     * ledger is up. Records per second.
     */
    double writeUsage(int subscribers, long events) {
        long started = System.nanoTime();
        send(0, events, subscribers);
        return events / ((System.nanoTime() - started) / 1e9);
    }

    /**
     * Deletes every usage event written so far (Admin deleteRecords to the end of each partition): the next service
     * started with a fresh application id then finds the registrations only, and its usage comes from {@link
     * #writeUsage} while it runs.
     */
    void deleteUsage() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
                partitions.put(new TopicPartition(Topics.USAGE_EVENTS.name(), partition), OffsetSpec.latest());
            }
            Map<TopicPartition, RecordsToDelete> before = new HashMap<>();
            admin.listOffsets(partitions).all().get().forEach((partition, end) ->
                    before.put(partition, RecordsToDelete.beforeOffset(end.offset())));
            admin.deleteRecords(before).all().get();
        }
    }

    /** Registers {@code registrations} subscribers, then writes {@code events} usage events over {@code over} of them. */
    private void send(int registrations, long events, int over) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                // one request in flight: a fresh broker slow to answer the first batch made the producer resend it
                // after later ones had landed, which the broker refuses for good (OutOfOrderSequenceException)
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 60_000);
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        org.apache.kafka.clients.producer.Callback check = (metadata, exception) -> {
            if (exception != null) {
                failed.compareAndSet(null, exception);
            }
        };
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (int n = 0; n < registrations; n++) {
                SubscriberRegistered registered = SubscriberRegistered.newBuilder().setSubscriberId(subscriberId(n))
                        .setMsisdn(msisdn(n)).setCurrency("LAK").setLanguage(Language.LO).setStatus(SubscriberStatus.ACTIVE)
                        .setOpeningBalance(Events.money(OPENING_BALANCE, "LAK")).setRegisteredAt(registeredAt).build();
                producer.send(new ProducerRecord<>(Topics.SUBSCRIBERS.name(), null, registeredAt.toEpochMilli(), registered.getSubscriberId(),
                        Topics.SUBSCRIBERS.valueSerde().serializer().serialize(Topics.SUBSCRIBERS.name(), registered)), check);
            }
            Instant usedAt = registeredAt.plusSeconds(60);
            for (long i = 0; i < events; i++) {
                int n = (int) (i % over);
                Instant at = usedAt.plusMillis(i / 100);
                UsageRecorded usage = usage(n, i, at);
                producer.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), null, at.toEpochMilli(), usage.getMsisdn(),
                        Topics.USAGE_EVENTS.valueSerde().serializer().serialize(Topics.USAGE_EVENTS.name(), usage)), check);
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("the pre-load lost records", failed.get());
        }
    }

    /**
     * Waits until the kernel has written the broker's pages of the pre-load to disk ({@code sync}): otherwise the first
     * measured run shares the disk with that writeback, and ran at half the rate of the two after it (50% I/O wait).
     */
    private static void settleToDisk() {
        try {
            Process sync = new ProcessBuilder("sync").inheritIO().start();
            if (!sync.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
                sync.destroyForcibly();
            }
        } catch (java.io.IOException e) {
            // no sync on this system: the first run is measured as before
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
