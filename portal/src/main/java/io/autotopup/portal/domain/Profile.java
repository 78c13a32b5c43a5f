package io.autotopup.portal.domain;

/** Who the subscriber is to the carrier: their number, the currency of their balance and the language they read. */
public record Profile(String subscriberId, String msisdn, String currency, String language, String status) {
}
