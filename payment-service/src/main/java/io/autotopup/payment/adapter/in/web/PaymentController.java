package io.autotopup.payment.adapter.in.web;

import io.autotopup.platform.security.Access;
import io.autotopup.platform.security.Scopes;
import io.autotopup.payment.application.SettledPayments;
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

    PaymentController(SettledPayments payments) {
        this.payments = payments;
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
