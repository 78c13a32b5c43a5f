package io.autotopup.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autotopup.events.TopUpRequested;
import io.autotopup.platform.testing.TestBrokers;
import io.autotopup.schemas.Topics;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.BatchAcknowledgingMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Listener instances of one group, set up as {@link TransactionalListeners#batchContainerFactory} sets them up and
 * with the static membership the deployment gives them, when one of them dies without leaving the group (as after a
 * {@code kill -9}) and comes back. The session timeout is three minutes here, so that anything waiting for the dead
 * member's session to expire shows as a test that times out.
 *
 * <p>The soak found this: with the default eager protocol and no static membership, a payment-service instance back
 * from a kill joined as a new member, and the group waited for its dead former self's session before anyone read
 * again: the other instance's payments stopped too.
 */
class ListenerMembershipIT {

    private static final String TOPIC = "members-in";
    private static final String GROUP = "members";
    private static final int PARTITIONS = 4;
    private static final Duration SESSION = Duration.ofMinutes(3);
    /** far less than the session: what passes here did not wait for a dead member's session to expire */
    private static final Duration PATIENCE = Duration.ofSeconds(45);

    private static EmbeddedKafkaKraftBroker broker;

    /** which member read each record, by the record's key */
    private final Map<String, String> readBy = new ConcurrentHashMap<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBrokers.singleBroker();
        TestBrokers.createTopics(broker, List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)));
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    void an_instance_back_from_a_crash_reads_its_partitions_at_once_and_the_others_never_stop_reading() throws Exception {
        Member a = Member.start("a", this);
        Member b = Member.start("b", this);
        Member bAgain = null;
        try {
            await().atMost(PATIENCE).until(() -> a.partitions().size() + b.partitions().size() == PARTITIONS
                    && !a.partitions().isEmpty() && !b.partitions().isEmpty());
            sendToEach(allPartitions(), "first");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(readBy).hasSize(PARTITIONS));

            Set<Integer> ofA = a.partitions();
            b.crash();
            // a rebalance while b is dead (here a asks for one; a new instance or a dead one's expiry start one too):
            // the group cannot agree before b's session expires, and meanwhile a goes on reading its partitions
            a.container().enforceRebalance();
            await().atMost(PATIENCE).until(() -> groupState() == GroupState.PREPARING_REBALANCE);
            sendToEach(ofA, "during-the-rebalance");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(ofA)
                    .allSatisfy(partition -> assertThat(readBy).containsEntry(key(partition, "during-the-rebalance"), "a")));

            // b back under its own name: every partition is read again, b's too, without waiting for its old session
            bAgain = Member.start("b", this);
            sendToEach(allPartitions(), "after-b-returned");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(allPartitions())
                    .allSatisfy(partition -> assertThat(readBy).containsKey(key(partition, "after-b-returned"))));
        } finally {
            for (Member member : new Member[] {a, bAgain}) {
                if (member != null) {
                    member.crash();
                }
            }
        }
    }

    private static GroupState groupState() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            return admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP).get().groupState();
        }
    }

    private static Set<Integer> allPartitions() {
        Set<Integer> all = new HashSet<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            all.add(partition);
        }
        return all;
    }

    private static String key(int partition, String round) {
        return round + "-" + partition;
    }

    private static void sendToEach(Set<Integer> partitions, String round) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString()), new StringSerializer(), new ByteArraySerializer())) {
            for (int partition : partitions) {
                // the value does not matter here (null reads as null), only who reads the record
                producer.send(new ProducerRecord<>(TOPIC, partition, key(partition, round), null)).get();
            }
        }
    }

    /** One listener instance: a container from {@link TransactionalListeners#batchContainerFactory}, a static member named {@code name}. */
    private record Member(String name, ConcurrentKafkaListenerContainerFactory<String, TopUpRequested> factory,
            ConcurrentMessageListenerContainer<String, TopUpRequested> container, DefaultKafkaProducerFactory<String, String> producers) {

        static Member start(String name, ListenerMembershipIT test) {
            KafkaProperties properties = new KafkaProperties();
            properties.setBootstrapServers(List.of(broker.getBrokersAsString()));
            properties.getConsumer().setGroupId(GROUP);
            // what deploy/k8s/base/config/autotopup.yml sets from INSTANCE_ID
            properties.getConsumer().getProperties().put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, name);
            properties.getConsumer().getProperties().put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(SESSION.toMillis()));
            DefaultKafkaProducerFactory<String, String> producers = new DefaultKafkaProducerFactory<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()), new StringSerializer(), new StringSerializer());
            producers.setTransactionIdPrefix("members-it-" + name + "-" + System.nanoTime() + "-");
            ConcurrentKafkaListenerContainerFactory<String, TopUpRequested> factory = TransactionalListeners.batchContainerFactory(
                    Topics.TOP_UP_REQUESTS, properties, new KafkaTransactionManager<>(producers),
                    new DefaultAfterRollbackProcessor<>(new FixedBackOff(100L, 2L)));
            // a crash: the instance stops without leaving the group, as a kill -9 does
            ((DefaultKafkaConsumerFactory<String, TopUpRequested>) factory.getConsumerFactory())
                    .addPostProcessor(Member::remainingInGroupOnClose);
            ConcurrentMessageListenerContainer<String, TopUpRequested> container = factory.createContainer(TOPIC);
            container.getContainerProperties().setMessageListener(
                    (BatchAcknowledgingMessageListener<String, TopUpRequested>) (records, acknowledgment) -> {
                        records.forEach(record -> test.readBy.put(record.key(), name));
                        acknowledgment.acknowledge();
                    });
            container.start();
            return new Member(name, factory, container, producers);
        }

        Set<Integer> partitions() {
            Set<Integer> partitions = new HashSet<>();
            container.getAssignedPartitions().stream().map(TopicPartition::partition).forEach(partitions::add);
            return partitions;
        }

        void crash() {
            container.stop();
            producers.destroy();
        }

        @SuppressWarnings("unchecked")
        private static Consumer<String, TopUpRequested> remainingInGroupOnClose(Consumer<String, TopUpRequested> consumer) {
            return (Consumer<String, TopUpRequested>) Proxy.newProxyInstance(Consumer.class.getClassLoader(),
                    new Class<?>[] {Consumer.class}, (proxy, method, arguments) -> {
                        if (method.getName().equals("close") && (arguments == null || arguments.length == 0)) {
                            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
                            return null;
                        }
                        try {
                            return method.invoke(consumer, arguments);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
