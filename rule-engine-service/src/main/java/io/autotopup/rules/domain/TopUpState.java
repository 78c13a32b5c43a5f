package io.autotopup.rules.domain;

/**
 * What the engine remembers per subscriber between events.
 *
 * @param lastBalanceVersion the version of the last balance change seen; older or equal ones are replays
 * @param inFlightRequestId  the top-up requested and not yet credited or failed, or null
 * @param inFlightAmount     its amount in minor units
 * @param suspended          a top-up failed for good; no new one until the rule is set again
 * @param lastOutcome        SUCCEEDED, FAILED:&lt;reason&gt; or null
 */
public record TopUpState(long lastBalanceVersion, String inFlightRequestId, long inFlightAmount, boolean suspended,
        String lastOutcome) {

    public static final TopUpState INITIAL = new TopUpState(0, null, 0, false, null);

    public boolean inFlight() {
        return inFlightRequestId != null;
    }
}
