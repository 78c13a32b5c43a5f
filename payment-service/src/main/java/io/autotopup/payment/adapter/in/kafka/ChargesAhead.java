package io.autotopup.payment.adapter.in.kafka;

import io.autotopup.events.TopUpRequested;
import io.autotopup.payment.application.ChargeTopUp.Decision;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The gateway calls of one batch of requests, made side by side a few requests ahead of the one being settled: the
 * gateway answers each in tens of milliseconds and takes many at once, so one after the other they bounded a
 * payment-service instance to about 20 settled requests a second. Outcomes are still published one by one, in
 * order, in the batch's transaction.
 *
 * <p>A request charged ahead but not settled in this batch (the batch was cut short or rolled back) is charged
 * again when it is read again, under the same idempotency key, so the gateway answers with the first charge. Two
 * calls under one key never overlap: a request id is charged ahead once per batch (a second record of it is
 * charged in its turn, after the first call ended), and {@link #close} waits for the calls still running before
 * the batch ends.
 */
final class ChargesAhead implements AutoCloseable {

    private final List<ConsumerRecord<String, TopUpRequested>> records;
    private final Predicate<ConsumerRecord<String, TopUpRequested>> chargeable;
    private final Function<TopUpRequested, Decision> charge;
    private final ExecutorService callers;
    private final int ahead;
    private final Map<ConsumerRecord<String, TopUpRequested>, Future<Decision>> running = new IdentityHashMap<>();
    private final Map<String, Future<Decision>> byRequestId = new HashMap<>();
    private int cursor;
    private int next;

    /**
     * @param chargeable whether a record is to be charged for real (decodable, not a dry run)
     * @param ahead      how many requests after the current one may be at the gateway at once
     */
    ChargesAhead(List<ConsumerRecord<String, TopUpRequested>> records, Predicate<ConsumerRecord<String, TopUpRequested>> chargeable,
            Function<TopUpRequested, Decision> charge, ExecutorService callers, int ahead) {
        this.records = records;
        this.chargeable = chargeable;
        this.charge = charge;
        this.callers = callers;
        this.ahead = ahead;
    }

    /** The decision for a record of the batch, taken in order: charged ahead already, or now. */
    Decision decide(ConsumerRecord<String, TopUpRequested> record) {
        while (cursor < records.size() && records.get(cursor) != record) {
            cursor++;
        }
        while (next < records.size() && next <= cursor + ahead) {
            ConsumerRecord<String, TopUpRequested> candidate = records.get(next++);
            if (candidate != record && chargeable.test(candidate)
                    && !byRequestId.containsKey(candidate.value().getRequestId())) {
                Future<Decision> call = callers.submit(() -> charge.apply(candidate.value()));
                running.put(candidate, call);
                byRequestId.put(candidate.value().getRequestId(), call);
            }
        }
        Future<Decision> charged = running.remove(record);
        if (charged == null) {
            // another record of the same request may be at the gateway (charged ahead, then not settled): not two at once
            Future<Decision> same = byRequestId.get(record.value().getRequestId());
            if (same != null) {
                awaitQuietly(same);
            }
            return charge.apply(record.value());
        }
        try {
            return charged.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while the gateway was charging");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new CompletionException(e.getCause());
        }
    }

    /** Waits for the calls still at the gateway, whose results are not needed: their requests are read again. */
    @Override
    public void close() {
        running.values().forEach(ChargesAhead::awaitQuietly);
        running.clear();
        byRequestId.clear();
    }

    private static void awaitQuietly(Future<Decision> call) {
        boolean interrupted = false;
        while (true) {
            try {
                call.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | CancellationException ignored) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
