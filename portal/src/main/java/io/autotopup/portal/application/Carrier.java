package io.autotopup.portal.application;

import io.autotopup.portal.domain.Money;

/** The carrier's billing, as far as the portal may act for it: on the devstack only, the sandbox carrier's usage. */
public interface Carrier {

    /** Records that the number used {@code amount} of credit, as the carrier's billing would; returns the event id. */
    String useCredit(String msisdn, Money amount);
}
