package io.autotopup.platform.kafka;

import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.springframework.core.log.LogAccessor;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * The records of one poll in one Kafka transaction, instead of a transaction per record. A transaction costs a
 * round of requests to the transaction coordinator and a marker on every partition it wrote; per record, that
 * bounded payment-service and notification-service to a few records a second on a loaded cluster
 * (docs/reliability.md), while the work itself (a charge, a text) takes milliseconds.
 *
 * <p>What a record-at-a-time transactional listener promised still holds, record by record:
 * <ul>
 *   <li>a record's results and its offset commit together, or neither does;</li>
 *   <li>a record the listener asks to try later (the partner is down, the retry is not due) is not
 *       committed: the records before it commit, it and those after it are read again after the wait
 *       ({@link Acknowledgment#nack(int, Duration)}), so nothing waits behind a partner for longer than it must;</li>
 *   <li>any other failure rolls the whole batch back; when it is read again the records before the failed one
 *       commit first, and the failed one is tried alone at the head of a batch, up to {@code tries} times, then
 *       dead-lettered with its reason, so one bad record costs the others nothing but a retry;</li>
 *   <li>a record that could not be decoded is dead-lettered at once;</li>
 *   <li>each record is processed in its own observation, the child of the trace its headers carry, so what it
 *       writes carries the trace on as before.</li>
 * </ul>
 * A batch stops taking records after {@code budget}: the rest are read again at once, so a slow partner cannot
 * stretch a transaction towards its timeout. The listener's container must be a batch container with
 * {@code AckMode.MANUAL} in a Kafka transaction ({@link TransactionalListeners#batchContainerFactory}).
 *
 * @param <V> the record's value type
 */
public final class TransactionalBatch<V> {

    private static final Logger log = LoggerFactory.getLogger(TransactionalBatch.class);
    private static final LogAccessor HEADER_LOG = new LogAccessor(TransactionalBatch.class);

    /** Remembered failures at most (records that failed and were not read again here, after a rebalance, are dropped). */
    private static final int REMEMBERED = 10_000;

    /** What the listener does with one record, writing its results with the transactional template. */
    @FunctionalInterface
    public interface Work<V> {
        void process(ConsumerRecord<String, V> record);
    }

    /**
     * Whether a failure means "try this record again later" and how long to wait, or null for a failure that is
     * not one. {@code waits} is how many times this record waited before. The work must not have written anything
     * for the record when it throws such a failure, since the records before it commit.
     */
    @FunctionalInterface
    public interface Later<V> {
        Duration waitBefore(ConsumerRecord<String, V> record, RuntimeException failure, int waits);
    }

    /**
     * Whether a record that failed {@code tries} times must not be dead-lettered, and how long to wait before it is
     * tried again ({@code tries} more times), or null to dead-letter it. {@code holds} is how many times it was held
     * before. For records whose effects outside Kafka already happened (a charge): a dead letter nobody reads would
     * lose them, so they are held, in order, until they can be recorded.
     */
    @FunctionalInterface
    public interface Hold<V> {
        Duration holdFor(ConsumerRecord<String, V> record, RuntimeException failure, int holds);
    }

    private final String listenerId;
    private final Later<V> later;
    private final Hold<V> hold;
    private final ConsumerRecordRecoverer deadLetters;
    private final ObservationRegistry observations;
    private final int tries;
    private final Duration budget;
    private final LongSupplier nanoTime;
    private final Map<String, Failures> failures = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > REMEMBERED;
        }
    });

    private record Failures(int failed, int waited, RuntimeException last, int held) {
        Failures(int failed, int waited, RuntimeException last) {
            this(failed, waited, last, 0);
        }
    }

    /**
     * @param listenerId  the listener's id, for its observations
     * @param deadLetters where a record goes that failed {@code tries} times or could not be decoded
     * @param tries       how often a failing record is tried before it is dead-lettered (3: as the record containers)
     * @param budget      how long a batch takes records before the rest are left to the next one
     */
    public TransactionalBatch(String listenerId, Later<V> later, ConsumerRecordRecoverer deadLetters,
            ObservationRegistry observations, int tries, Duration budget) {
        this(listenerId, later, (record, failure, holds) -> null, deadLetters, observations, tries, budget, System::nanoTime);
    }

    /** @param hold which records that keep failing are held instead of dead-lettered */
    public TransactionalBatch(String listenerId, Later<V> later, Hold<V> hold, ConsumerRecordRecoverer deadLetters,
            ObservationRegistry observations, int tries, Duration budget) {
        this(listenerId, later, hold, deadLetters, observations, tries, budget, System::nanoTime);
    }

    TransactionalBatch(String listenerId, Later<V> later, ConsumerRecordRecoverer deadLetters,
            ObservationRegistry observations, int tries, Duration budget, LongSupplier nanoTime) {
        this(listenerId, later, (record, failure, holds) -> null, deadLetters, observations, tries, budget, nanoTime);
    }

    TransactionalBatch(String listenerId, Later<V> later, Hold<V> hold, ConsumerRecordRecoverer deadLetters,
            ObservationRegistry observations, int tries, Duration budget, LongSupplier nanoTime) {
        this.listenerId = listenerId;
        this.later = later;
        this.hold = hold;
        this.deadLetters = deadLetters;
        this.observations = observations;
        this.tries = tries;
        this.budget = budget;
        this.nanoTime = nanoTime;
    }

    /**
     * Processes one poll's records with {@code work}, in order, inside the container's transaction; see the class
     * comment for what commits.
     */
    public void process(List<ConsumerRecord<String, V>> records, Acknowledgment acknowledgment, Work<V> work) {
        long started = nanoTime.getAsLong();
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, V> record = records.get(i);
            String key = key(record);
            Failures before = failures.get(key);
            if (before != null && before.failed() > 0 && i > 0) {
                // it failed in an earlier batch, which rolled back: commit what precedes it, then try it alone
                acknowledgment.nack(i, Duration.ZERO);
                return;
            }
            DeserializationException undecodable = undecodable(record);
            if (undecodable != null) {
                deadLetter(record, new ListenerExecutionFailedException("the record could not be decoded", undecodable));
                continue;
            }
            if (before != null && before.failed() >= tries) {
                Duration held = before.last() == null ? null : hold.holdFor(record, before.last(), before.held());
                if (held != null) {
                    // nothing of it is written yet in this batch: what precedes it commits, it waits and is tried again
                    log.error("{}: {}-{}@{} failed {} times and is held, not dead-lettered (hold {}); tried again in {}: {}",
                            listenerId, record.topic(), record.partition(), record.offset(), tries, before.held() + 1, held,
                            before.last().toString());
                    failures.put(key, new Failures(0, before.waited(), null, before.held() + 1));
                    acknowledgment.nack(i, held);
                    return;
                }
                deadLetter(record, before.last());
                failures.remove(key);
                continue;
            }
            try {
                observed(record, work);
                failures.remove(key);
            } catch (RuntimeException failure) {
                Duration wait = later.waitBefore(record, failure, before == null ? 0 : before.waited());
                if (wait != null) {
                    failures.put(key, new Failures(0, (before == null ? 0 : before.waited()) + 1, null,
                            before == null ? 0 : before.held()));
                    acknowledgment.nack(i, wait);
                    return;
                }
                int failed = (before == null ? 0 : before.failed()) + 1;
                failures.put(key, new Failures(failed, before == null ? 0 : before.waited(), failure,
                        before == null ? 0 : before.held()));
                log.warn("{}: {}-{}@{} failed ({} of {} tries); its batch rolls back: {}", listenerId, record.topic(),
                        record.partition(), record.offset(), failed, tries, failure.toString());
                throw failure;
            }
            if (i + 1 < records.size() && nanoTime.getAsLong() - started > budget.toNanos()) {
                acknowledgment.nack(i + 1, Duration.ZERO);
                return;
            }
        }
    }

    private void observed(ConsumerRecord<String, V> record, Work<V> work) {
        KafkaListenerObservation.LISTENER_OBSERVATION.observation(null,
                        KafkaListenerObservation.DefaultKafkaListenerObservationConvention.INSTANCE,
                        () -> new KafkaRecordReceiverContext(record, listenerId, () -> null), observations)
                .observe(() -> work.process(record));
    }

    private void deadLetter(ConsumerRecord<String, V> record, RuntimeException reason) {
        RuntimeException cause = reason == null ? new IllegalStateException("failed " + tries + " times") : reason;
        log.warn("{}: {}-{}@{} goes to the dead-letter topic: {}", listenerId, record.topic(), record.partition(),
                record.offset(), cause.toString());
        deadLetters.accept(record, cause);
    }

    private static DeserializationException undecodable(ConsumerRecord<String, ?> record) {
        if (record.value() != null && record.key() != null) {
            return null;
        }
        DeserializationException value = SerializationUtils.getExceptionFromHeader(record,
                SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, HEADER_LOG);
        return value != null ? value : SerializationUtils.getExceptionFromHeader(record,
                SerializationUtils.KEY_DESERIALIZER_EXCEPTION_HEADER, HEADER_LOG);
    }

    private static String key(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
