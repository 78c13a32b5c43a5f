package io.autotopup.balance.domain;

/** What the ledger needs to know of a subscriber's account. */
public record Account(String subscriberId, String msisdn, String currency, String status) {

    /** Usage is kept for every account but a closed one: an unverified number still uses its balance. */
    public boolean active() {
        return !"CLOSED".equals(status);
    }
}
