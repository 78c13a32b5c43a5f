package io.autotopup.notification.adapter.in.web;

import io.autotopup.platform.security.Access;
import io.autotopup.platform.security.Scopes;
import io.autotopup.notification.adapter.in.kafka.NotificationTopology;
import io.autotopup.notification.domain.SmsHistory;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** What was texted to a subscriber, newest first, with its status. One-time codes show only as {code}. */
@RestController
class NotificationController {

    private final KafkaStreamsInteractiveQueryService queries;

    NotificationController(KafkaStreamsInteractiveQueryService queries) {
        this.queries = queries;
    }

    record NotificationResponse(String smsId, String messageType, String language, String text, Instant requestedAt,
            String status, int segments) {
    }

    @GetMapping("/v1/subscribers/{subscriberId}/notifications")
    @Access(owner = true, scopes = Scopes.SUBSCRIBERS_READ)
    Mono<List<NotificationResponse>> notifications(@PathVariable String subscriberId, @RequestParam(defaultValue = "20") int limit) {
        if (limit < 1 || limit > 50) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be between 1 and 50");
        }
        return Mono.fromCallable(() -> {
                    SmsHistory history = queries.<org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, SmsHistory>>
                            retrieveQueryableStore(NotificationTopology.HISTORY_STORE, QueryableStoreTypes.keyValueStore())
                            .get(subscriberId);
                    return history == null ? List.<NotificationResponse>of() : history.latest(limit).stream()
                            .map(entry -> new NotificationResponse(entry.smsId(), entry.messageType(), entry.language(),
                                    entry.text(), Instant.ofEpochMilli(entry.requestedAt()), entry.status(), entry.segments()))
                            .toList();
                })
                .subscribeOn(Schedulers.boundedElastic());
    }
}
