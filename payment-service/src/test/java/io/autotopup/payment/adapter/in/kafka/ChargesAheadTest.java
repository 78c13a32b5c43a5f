package io.autotopup.payment.adapter.in.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.events.TopUpRequested;
import io.autotopup.payment.application.ChargeTopUp.Decision;
import io.autotopup.payment.domain.TopUpOutcome;
import io.autotopup.schemas.Events;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChargesAheadTest {

    private final ExecutorService callers = Executors.newFixedThreadPool(8);
    private final Map<String, AtomicInteger> atTheGateway = new ConcurrentHashMap<>();
    private final Map<String, Integer> mostAtOnce = new ConcurrentHashMap<>();
    private final AtomicInteger finished = new AtomicInteger();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    private static ConsumerRecord<String, TopUpRequested> record(int offset, String requestId) {
        return new ConsumerRecord<>("top-up-requests", 0, offset, "sub-" + offset, TopUpRequested.newBuilder()
                .setRequestId(requestId).setSubscriberId("sub-" + offset).setAmount(Events.money(50_000, "LAK"))
                .setTriggeringEventId("bc-" + offset).setRequestedAt(Instant.EPOCH).setReason(io.autotopup.events.TopUpReason.AUTO).build());
    }

    /** A gateway that completes each request's top-up, counting the calls under each request id in flight at once. */
    private Function<TopUpRequested, Decision> gateway(CountDownLatch holdUntil) {
        return request -> {
            int now = atTheGateway.computeIfAbsent(request.getRequestId(), id -> new AtomicInteger()).incrementAndGet();
            mostAtOnce.merge(request.getRequestId(), now, Math::max);
            try {
                holdUntil.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            atTheGateway.get(request.getRequestId()).decrementAndGet();
            finished.incrementAndGet();
            return new Decision.Settle(new TopUpOutcome.Completed(request.getRequestId(), "pm-1", "4242", "ch_" + request.getRequestId(),
                    List.of()));
        };
    }

    @Test
    void the_requests_after_the_current_one_are_at_the_gateway_together_and_each_decision_comes_back_to_its_own_request()
            throws Exception {
        List<ConsumerRecord<String, TopUpRequested>> records = IntStream.range(0, 12).mapToObj(n -> record(n, "req-" + n)).toList();
        CountDownLatch sixAtOnce = new CountDownLatch(6);
        Function<TopUpRequested, Decision> gateway = gateway(new CountDownLatch(0));
        try (ChargesAhead charges = new ChargesAhead(records, record -> true, request -> {
            sixAtOnce.countDown();
            try {
                // holds until six calls are in flight: one at a time, this would wait out its 30 s and fail below
                assertThat(sixAtOnce.await(30, TimeUnit.SECONDS)).as("six calls at the gateway at once").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return gateway.apply(request);
        }, callers, 6)) {
            for (ConsumerRecord<String, TopUpRequested> record : records) {
                Decision decision = charges.decide(record);
                assertThat(((TopUpOutcome.Completed) ((Decision.Settle) decision).outcome()).requestId())
                        .isEqualTo(record.value().getRequestId());
            }
        }
        assertThat(finished).hasValue(12);
    }

    @Test
    void two_records_of_one_request_are_never_at_the_gateway_at_once() {
        List<ConsumerRecord<String, TopUpRequested>> records = List.of(record(0, "req-a"), record(1, "req-b"), record(2, "req-a"),
                record(3, "req-a"), record(4, "req-c"));
        try (ChargesAhead charges = new ChargesAhead(records, record -> true, gateway(new CountDownLatch(0)), callers, 4)) {
            records.forEach(charges::decide);
        }
        assertThat(mostAtOnce).containsEntry("req-a", 1).containsEntry("req-b", 1).containsEntry("req-c", 1);
        assertThat(finished).as("req-a charged in each of its turns, one after the other").hasValue(5);
    }

    @Test
    void a_batch_cut_short_ends_only_after_the_calls_made_ahead_for_it_have_come_back() throws Exception {
        List<ConsumerRecord<String, TopUpRequested>> records = IntStream.range(0, 5).mapToObj(n -> record(n, "req-" + n)).toList();
        CountDownLatch gatewayAnswers = new CountDownLatch(1);
        Function<TopUpRequested, Decision> slow = gateway(gatewayAnswers);
        Function<TopUpRequested, Decision> quick = gateway(new CountDownLatch(0));
        ChargesAhead charges = new ChargesAhead(records, record -> true,
                request -> request.getRequestId().equals("req-0") ? quick.apply(request) : slow.apply(request), callers, 4);
        charges.decide(records.get(0));
        // the batch is cut here: req-1..4 were charged ahead and the gateway has not answered them yet

        AtomicInteger finishedWhenClosed = new AtomicInteger(-1);
        Thread closer = new Thread(() -> {
            charges.close();
            finishedWhenClosed.set(finished.get());
        });
        closer.start();
        gatewayAnswers.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(60));

        assertThat(finishedWhenClosed).as("every call made for the batch had ended when it closed").hasValue(5);
    }
}
