package io.autotopup.payment.adapter.in.web;

import io.autotopup.payment.adapter.in.schedule.ReconciliationSchedule;
import io.autotopup.payment.application.ReconcilePayments;
import io.autotopup.platform.security.Access;
import io.autotopup.platform.security.Scopes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Reconciliation on demand ({@code topupctl payments reconcile}): the same run the schedule makes, for a chosen window. */
@RestController
class ReconciliationController {

    private final ReconciliationSchedule reconciliation;

    ReconciliationController(ReconciliationSchedule reconciliation) {
        this.reconciliation = reconciliation;
    }

    /** @param from ISO-8601 instant; {@code to} likewise, at the latest now; without them, the schedule's window */
    record ReconcileRequest(String from, String to) {
    }

    @PostMapping("/v1/reconciliations")
    @Access(scopes = Scopes.PAYMENTS_RECONCILE)
    Mono<ReconcilePayments.Report> reconcile(@RequestBody(required = false) ReconcileRequest request) {
        return Mono.fromCallable(() -> {
            if (request == null || request.from() == null && request.to() == null) {
                return reconciliation.runNow();
            }
            if (request.from() == null || request.to() == null) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Give both from and to, or neither");
            }
            Instant from;
            Instant to;
            try {
                from = Instant.parse(request.from());
                to = Instant.parse(request.to());
            } catch (DateTimeParseException e) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                        "from and to are ISO-8601 instants, such as 2026-12-05T00:00:00Z");
            }
            try {
                return reconciliation.run(from, to);
            } catch (IllegalArgumentException e) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }
}
