package io.autotopup.balance.domain;

/** What the ledger needs to know of a subscriber's account. */
public record Account(String subscriberId, String msisdn, String currency, String status) {

    public boolean active() {
        return "ACTIVE".equals(status);
    }
}
