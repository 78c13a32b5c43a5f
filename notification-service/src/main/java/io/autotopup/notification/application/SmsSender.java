package io.autotopup.notification.application;

import java.util.List;

/** The SMS centre. */
public interface SmsSender {

    /**
     * Submits a text to one MSISDN (E.164), split into as many segments as it needs.
     *
     * @return the SMS centre's message id of each segment
     * @throws SmsNotSentException when the SMS centre did not take every segment
     */
    List<String> send(String msisdn, String text);

    final class SmsNotSentException extends RuntimeException {
        public SmsNotSentException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
