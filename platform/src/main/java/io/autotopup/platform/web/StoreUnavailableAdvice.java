package io.autotopup.platform.web;

import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A read while Kafka Streams is starting, rebalancing or restoring its state is answered 503 with a
 * problem body and Retry-After, not 500: the answer will be there in a moment.
 */
@RestControllerAdvice
public class StoreUnavailableAdvice {

    @ExceptionHandler(InvalidStateStoreException.class)
    ResponseEntity<ProblemDetail> storeUnavailable(InvalidStateStoreException exception) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The service is restoring its state from Kafka; retry in a moment");
        problem.setTitle("State restoring");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
    }
}
