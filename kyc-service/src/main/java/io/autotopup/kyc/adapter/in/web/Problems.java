package io.autotopup.kyc.adapter.in.web;

import io.autotopup.kyc.domain.RejectedUpload;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** Refusals as problem bodies, each with a {@code reason} a form can show in its own words. */
final class Problems {

    private Problems() {
    }

    static ResponseStatusException upload(RejectedUpload rejected) {
        HttpStatus status = switch (rejected.reason()) {
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case UNSUPPORTED_TYPE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case INVALID -> HttpStatus.BAD_REQUEST;
            case EMPTY, UNREADABLE, UNSAFE -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
        return withReason(new ResponseStatusException(status, rejected.getMessage()), rejected.reason().name());
    }

    static ResponseStatusException withReason(ResponseStatusException exception, String reason) {
        exception.getBody().setProperty("reason", reason);
        return exception;
    }
}
