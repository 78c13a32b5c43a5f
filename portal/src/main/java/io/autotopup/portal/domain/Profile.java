package io.autotopup.portal.domain;

/**
 * Who the subscriber is to the carrier: their number, the currency of their balance, the language they read, and where
 * their identity check stands (NONE, PENDING, VERIFIED, REJECTED).
 */
public record Profile(String subscriberId, String msisdn, String currency, String language, String status, String kycStatus) {
}
