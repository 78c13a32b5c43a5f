package io.autotopup.platform.security;

/** The scopes operators and machines get, instead of a shared key. */
public final class Scopes {

    /** Credit or debit a balance; register a subscriber with an opening balance (the carrier's provisioning). */
    public static final String BALANCE_ADJUST = "balance:adjust";
    /** Read any subscriber's profile (unmasked), balance, ledger, rule and texts. */
    public static final String SUBSCRIBERS_READ = "subscribers:read";
    /** Read payments and payment methods. */
    public static final String PAYMENTS_READ = "payments:read";
    /** Reconcile the gateway's charges with the recorded top-ups, crediting a charge that has none (operators). */
    public static final String PAYMENTS_RECONCILE = "payments:reconcile";
    /** Replay topics (topupctl). */
    public static final String TOPICS_REPLAY = "topics:replay";
    /** List, view (every view audited) and approve or reject subscribers' identity documents. */
    public static final String KYC_REVIEW = "kyc:review";
    /** Read a service's own metrics and information on {@code /actuator} beyond health and Prometheus (operators). */
    public static final String OPERATIONS_READ = "operations:read";
    /** Register schemas and set a subject's compatibility at a schema registry that limits its writers (topupctl). */
    public static final String SCHEMAS_WRITE = "schemas:write";
    /** Ask for and check one-time sign-in codes: the authorization server only. */
    public static final String SIGN_IN = "signin";

    private Scopes() {
    }
}
