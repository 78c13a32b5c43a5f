package io.autotopup.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * What commits of a batch taken in one transaction: the container's side (committing what precedes a nack, reading
 * the rest again, rolling back on a throw) is played here by a scripted acknowledgement; TransactionalBatchIT runs
 * the real container.
 */
class TransactionalBatchTest {

    private final List<String> processed = new ArrayList<>();
    private final List<String> deadLettered = new ArrayList<>();
    private final List<Throwable> deadLetterReasons = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();

    /** Fails for "bad", waits for "busy" (until told otherwise), takes 100 ms of the clock for "slow". */
    private String busyUntilCleared = "busy";

    private final TransactionalBatch.Work<String> work = record -> {
        if (record.value().equals("bad")) {
            throw new IllegalStateException("cannot process bad");
        }
        if (record.value().equals(busyUntilCleared)) {
            throw new PartnerBusy();
        }
        if (record.value().startsWith("slow")) {
            now.addAndGet(Duration.ofMillis(100).toNanos());
        }
        processed.add(record.value());
    };

    private final TransactionalBatch<String> batch = new TransactionalBatch<>("test", (record, failure, waits) -> failure instanceof PartnerBusy ? Duration.ofSeconds(1L << waits) : null,
            (record, reason) -> {
                deadLettered.add(String.valueOf(record.value()));
                deadLetterReasons.add(reason);
            }, ObservationRegistry.NOOP, 3, Duration.ofMillis(250), now::get);

    private static final class PartnerBusy extends RuntimeException {
    }

    /** The container's acknowledgement of one poll: where the batch was cut, and after how long it is read again. */
    private static final class Poll implements Acknowledgment {
        Integer nackedAt;
        Duration sleep;

        @Override
        public void acknowledge() {
        }

        @Override
        public void nack(int index, Duration sleep) {
            this.nackedAt = index;
            this.sleep = sleep;
        }
    }

    private static List<ConsumerRecord<String, String>> records(String... values) {
        return IntStream.range(0, values.length).mapToObj(i -> new ConsumerRecord<>("topic", 0, 100 + i, "key", values[i]))
                .toList();
    }

    @Test
    void a_batch_without_trouble_is_processed_in_order_and_committed_whole() {
        Poll poll = new Poll();
        batch.process(records("a", "b", "c"), poll, work);

        assertThat(processed).containsExactly("a", "b", "c");
        assertThat(poll.nackedAt).as("nothing left to read again").isNull();
    }

    @Test
    void a_record_that_must_wait_lets_those_before_it_commit_and_is_read_again_after_a_growing_wait() {
        List<ConsumerRecord<String, String>> records = records("a", "b", "busy", "c");
        Poll first = new Poll();
        batch.process(records, first, work);

        assertThat(processed).as("nothing after the waiting record").containsExactly("a", "b");
        assertThat(first.nackedAt).as("a and b commit; busy and c are read again").isEqualTo(2);
        assertThat(first.sleep).isEqualTo(Duration.ofSeconds(1));

        Poll second = new Poll();
        batch.process(records.subList(2, 4), second, work);
        assertThat(second.nackedAt).isZero();
        assertThat(second.sleep).as("the second wait is longer").isEqualTo(Duration.ofSeconds(2));

        busyUntilCleared = "nothing";
        Poll third = new Poll();
        batch.process(records.subList(2, 4), third, work);
        assertThat(processed).containsExactly("a", "b", "busy", "c");
        assertThat(third.nackedAt).isNull();
        assertThat(deadLettered).as("waiting is not failing").isEmpty();
    }

    @Test
    void a_failing_record_rolls_its_batch_back_then_is_tried_alone_and_dead_lettered_after_three_tries_without_losing_the_rest() {
        List<ConsumerRecord<String, String>> records = records("a", "bad", "b");

        assertThatThrownBy(() -> batch.process(records, new Poll(), work)).hasMessage("cannot process bad");
        processed.clear(); // the transaction rolled back: the container reads the whole batch again

        Poll again = new Poll();
        batch.process(records, again, work);
        assertThat(processed).as("the records before it, alone in the transaction").containsExactly("a");
        assertThat(again.nackedAt).as("a commits; bad heads the next batch").isEqualTo(1);

        List<ConsumerRecord<String, String>> fromBad = records.subList(1, 3);
        assertThatThrownBy(() -> batch.process(fromBad, new Poll(), work)).as("second try").hasMessage("cannot process bad");
        assertThatThrownBy(() -> batch.process(fromBad, new Poll(), work)).as("third try").hasMessage("cannot process bad");
        assertThat(deadLettered).isEmpty();

        Poll last = new Poll();
        batch.process(fromBad, last, work);
        assertThat(deadLettered).containsExactly("bad");
        assertThat(deadLetterReasons.get(0)).hasMessage("cannot process bad");
        assertThat(processed).containsExactly("a", "b");
        assertThat(last.nackedAt).isNull();
    }

    /** A record whose effect already happened elsewhere (a charge) is held after its tries, never dead-lettered. */
    @Test
    void a_record_that_must_not_be_lost_is_held_after_its_tries_and_tried_again_until_it_succeeds() {
        TransactionalBatch<String> holding = new TransactionalBatch<>("test", (record, failure, waits) -> null,
                (record, failure, holds) -> failure instanceof IllegalStateException ? Duration.ofSeconds(1L << holds) : null,
                (record, reason) -> deadLettered.add(String.valueOf(record.value())), ObservationRegistry.NOOP, 3,
                Duration.ofMillis(250), now::get);
        List<ConsumerRecord<String, String>> fromBad = records("bad", "b");
        List<Duration> holds = new ArrayList<>();
        for (int hold = 0; hold < 3; hold++) {
            for (int attempt = 0; attempt < 3; attempt++) {
                assertThatThrownBy(() -> holding.process(fromBad, new Poll(), work)).hasMessage("cannot process bad");
            }
            Poll held = new Poll();
            holding.process(fromBad, held, work);
            assertThat(held.nackedAt).as("bad heads the next batch again").isEqualTo(0);
            holds.add(held.sleep);
        }
        assertThat(deadLettered).as("held, never dead-lettered").isEmpty();
        assertThat(holds).as("each hold waits longer").containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4));
        assertThat(processed).as("nothing behind it overtakes it").isEmpty();

        Poll recovered = new Poll();
        holding.process(records("fixed", "b"), recovered, work); // the same record, now processed (the outcome written)
        assertThat(processed).containsExactly("fixed", "b");
    }

    @Test
    void a_record_that_cannot_be_decoded_is_dead_lettered_at_once_and_the_rest_is_processed() {
        RecordHeaders headers = new RecordHeaders();
        SerializationUtils.deserializationException(headers, "not avro".getBytes(),
                new DeserializationException("unknown magic byte", "not avro".getBytes(), false, new IllegalArgumentException()), false);
        ConsumerRecord<String, String> undecodable = new ConsumerRecord<>("topic", 0, 7, 0L, TimestampType.CREATE_TIME, 0, 0,
                "key", null, headers, java.util.Optional.empty());

        batch.process(List.of(undecodable, records("a").get(0)), new Poll(), work);

        assertThat(deadLettered).containsExactly("null");
        assertThat(deadLetterReasons.get(0)).cause().isInstanceOf(DeserializationException.class);
        assertThat(processed).containsExactly("a");
    }

    @Test
    void a_batch_stops_taking_records_once_its_time_is_spent_and_leaves_the_rest_to_the_next() {
        Poll poll = new Poll();
        batch.process(records("slow-1", "slow-2", "slow-3", "slow-4", "a"), poll, work);

        assertThat(processed).as("250 ms: three records of 100 ms").containsExactly("slow-1", "slow-2", "slow-3");
        assertThat(poll.nackedAt).isEqualTo(3);
        assertThat(poll.sleep).as("read again at once").isZero();
    }
}
