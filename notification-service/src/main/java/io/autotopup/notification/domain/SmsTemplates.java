package io.autotopup.notification.domain;

import com.ibm.icu.text.MessageFormat;
import com.ibm.icu.util.ULocale;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.Set;

/**
 * The texts, one resource bundle per language ({@code sms_en}, {@code sms_lo}, {@code sms_zh}, {@code sms_th},
 * UTF-8 properties), in ICU MessageFormat (plural rules per language). A key missing in a language falls
 * back to English, logged once.
 */
public final class SmsTemplates {

    public static final Set<String> LANGUAGES = Set.of("en", "lo", "zh", "th");
    /** Failure reasons that have their own words; any other is told as UNKNOWN. */
    public static final Set<String> REASONS = Set.of("CARD_DECLINED", "INSUFFICIENT_FUNDS", "NO_PAYMENT_METHOD",
            "GATEWAY_UNAVAILABLE", "UNKNOWN");
    /** Every template key, in every language. */
    public static final Set<String> KEYS = Set.of("top-up.succeeded", "top-up.failed", "reason.CARD_DECLINED",
            "reason.INSUFFICIENT_FUNDS", "reason.NO_PAYMENT_METHOD", "reason.GATEWAY_UNAVAILABLE", "reason.UNKNOWN",
            "limit.daily", "limit.monthly", "auto-top-up.disabled", "low-balance", "one-time-code", "top-up.succeeded.card",
            "identity.approved", "identity.rejected",
            "identity.why.UNREADABLE", "identity.why.EXPIRED", "identity.why.NAME_MISMATCH", "identity.why.WRONG_TYPE",
            "identity.why.INCOMPLETE", "identity.why.OTHER", "identity.send.UNREADABLE", "identity.send.EXPIRED",
            "identity.send.NAME_MISMATCH", "identity.send.WRONG_TYPE", "identity.send.INCOMPLETE", "identity.send.OTHER");
    /** Why an identity document is rejected, each with its own words and what to send instead. */
    public static final Set<String> REJECTIONS = Set.of("UNREADABLE", "EXPIRED", "NAME_MISMATCH", "WRONG_TYPE", "INCOMPLETE",
            "OTHER");
    /** Where the one-time code goes in its text; the sender puts the code there just before sending. */
    public static final String CODE_PLACEHOLDER = "{code}";
    private static final String BUNDLE = "io.autotopup.notification.domain.sms";
    private static final Set<String> MISSING_LOGGED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private SmsTemplates() {
    }

    /** A top-up was credited: how much, the balance now, and the card it came from (null: a wallet or not known). */
    public static String topUpSucceeded(String language, long amount, long newBalance, String currency, String cardLast4) {
        return cardLast4 == null
                ? format(language, "top-up.succeeded", MoneyText.format(amount, currency), MoneyText.format(newBalance, currency))
                : format(language, "top-up.succeeded.card", MoneyText.format(amount, currency),
                        MoneyText.format(newBalance, currency), cardLast4);
    }

    /** A top-up failed for good: how much, why in plain words, and what to do. */
    public static String topUpFailed(String language, long amount, String currency, String reason) {
        String why = REASONS.contains(reason) ? text(language, "reason." + reason) : text(language, "reason.UNKNOWN");
        return format(language, "top-up.failed", MoneyText.format(amount, currency), why);
    }

    /** A top-up was needed but the daily ({@code monthly == false}) or monthly limit stopped it. */
    public static String limitReached(String language, boolean monthly, long balance, String currency) {
        return format(language, monthly ? "limit.monthly" : "limit.daily", MoneyText.format(balance, currency));
    }

    /** Auto top-up turned itself off after repeated failures: how many, the last reason, what to do. */
    public static String autoTopUpDisabled(String language, int failures, String lastReason) {
        String why = REASONS.contains(lastReason) ? text(language, "reason." + lastReason) : text(language, "reason.UNKNOWN");
        return format(language, "auto-top-up.disabled", failures, why);
    }

    /** An identity document was reviewed: approved, or rejected with why and what to send instead. */
    public static String identityReviewed(String language, boolean approved, String rejectionReason) {
        if (approved) {
            return format(language, "identity.approved");
        }
        String reason = REJECTIONS.contains(rejectionReason) ? rejectionReason : "OTHER";
        return format(language, "identity.rejected", text(language, "identity.why." + reason), text(language, "identity.send." + reason));
    }

    /** The balance is low and no top-up will follow. */
    public static String lowBalance(String language, long balance, String currency) {
        return format(language, "low-balance", MoneyText.format(balance, currency));
    }

    /**
     * The one-time code text, with {@link #CODE_PLACEHOLDER} where the code goes: the code itself is never
     * rendered into a text that is stored.
     */
    public static String oneTimeCode(String language, long minutesValid) {
        return format(language, "one-time-code", minutesValid);
    }

    /** The text with the code in its place, for the moment of sending. */
    public static String withCode(String text, String code) {
        return text.replace(CODE_PLACEHOLDER, code);
    }

    /** The raw template text of a key in a language, for checks that every language has every template. */
    public static String template(String language, String key) {
        return bundle(language).getString(key);
    }

    private static String format(String language, String key, Object... arguments) {
        return new MessageFormat(text(language, key), ULocale.forLanguageTag(language)).format(arguments);
    }

    private static String text(String language, String key) {
        try {
            return bundle(language).getString(key);
        } catch (MissingResourceException e) {
            if (MISSING_LOGGED.add(language + "/" + key)) {
                System.getLogger(SmsTemplates.class.getName()).log(System.Logger.Level.WARNING,
                        "SMS template {0} has no {1} text; sending English", key, language);
            }
            return bundle("en").getString(key);
        }
    }

    private static ResourceBundle bundle(String language) {
        String tag = LANGUAGES.contains(language) ? language : "en";
        return ResourceBundle.getBundle(BUNDLE, Locale.forLanguageTag(tag), ResourceBundle.Control.getNoFallbackControl(
                ResourceBundle.Control.FORMAT_PROPERTIES));
    }
}
