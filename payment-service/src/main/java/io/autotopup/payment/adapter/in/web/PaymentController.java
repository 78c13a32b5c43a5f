package io.autotopup.payment.adapter.in.web;

import io.autotopup.platform.security.Access;
import io.autotopup.platform.security.Scopes;
import io.autotopup.payment.application.PaymentMethodRepository;
import io.autotopup.payment.application.SettledPayments;
import io.autotopup.payment.domain.ChargeAttempt;
import io.autotopup.platform.web.MoneyJson;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** How a top-up request was paid: every attempt, by method, with the gateway's answer. */
@RestController
class PaymentController {

    private final SettledPayments payments;
    private final PaymentMethodRepository methods;

    PaymentController(SettledPayments payments, PaymentMethodRepository methods) {
        this.payments = payments;
        this.methods = methods;
    }

    /** The method as the receipt names it; null when it has been removed since. */
    record MethodResponse(String type, String brand, String last4) {
    }

    record ReceiptResponse(String requestId, MoneyJson amount, String paymentMethodId, MethodResponse method,
            String paymentReference, Instant paidAt) {
    }

    /**
     * The receipt of one of the subscriber's own paid top-ups: the amount, the method charged, the gateway's reference
     * and when. 404 for a request not paid, not settled yet, or someone else's.
     */
    @GetMapping("/v1/subscribers/{subscriberId}/payments/{requestId}/receipt")
    @Access(owner = true, scopes = Scopes.PAYMENTS_READ)
    Mono<ReceiptResponse> receipt(@PathVariable String subscriberId, @PathVariable String requestId) {
        return Mono.fromCallable(() -> {
            SettledPayments.Settled settled = payments.find(requestId).filter(found -> found.subscriberId().equals(subscriberId))
                    .filter(SettledPayments.Settled::completed)
                    .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No paid top-up " + requestId
                            + " for subscriber " + subscriberId));
            ChargeAttempt paid = settled.attempts().stream().filter(attempt -> attempt.result() == ChargeAttempt.Result.SUCCEEDED)
                    .reduce((first, second) -> second).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                            "No successful charge for " + requestId));
            MethodResponse method = methods.methodsOf(subscriberId).stream()
                    .filter(bound -> bound.paymentMethodId().equals(paid.paymentMethodId())).findFirst()
                    .map(bound -> new MethodResponse(bound.type(), bound.brand(), bound.last4())).orElse(null);
            return new ReceiptResponse(requestId, MoneyJson.of(settled.amount(), settled.currency()), paid.paymentMethodId(), method,
                    paid.paymentReference(), paid.at());
        }).subscribeOn(Schedulers.boundedElastic());
    }

    record AttemptResponse(String paymentMethodId, String result, String paymentReference, String detail, Instant at) {
    }

    record PaymentResponse(String requestId, String subscriberId, MoneyJson amount, String outcome, String failureReason,
            List<AttemptResponse> attempts, Instant settledAt) {
    }

    @GetMapping("/v1/payments/{requestId}")
    @Access(scopes = Scopes.PAYMENTS_READ)
    Mono<PaymentResponse> payment(@PathVariable String requestId) {
        return Mono.fromCallable(() -> payments.find(requestId).orElseThrow(() ->
                        new ResponseStatusException(HttpStatus.NOT_FOUND, "No settled payment for request " + requestId)))
                .subscribeOn(Schedulers.boundedElastic())
                .map(settled -> new PaymentResponse(settled.requestId(), settled.subscriberId(),
                        MoneyJson.of(settled.amount(), settled.currency()), settled.completed() ? "COMPLETED" : "FAILED",
                        settled.failureReason(), settled.attempts().stream().map(attempt -> new AttemptResponse(
                                attempt.paymentMethodId(), attempt.result().name(), attempt.paymentReference(), attempt.detail(),
                                attempt.at())).toList(), settled.settledAt()));
    }
}
