package io.autotopup.platform;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Phone numbers: normalized to E.164 on the way in, masked on the way to a log. */
public final class Msisdns {

    /** Numbers written without a country code are read as Lao ones (020 5xxx xxxx). */
    public static final String DEFAULT_REGION = "LA";

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    /** What an E.164 number looks like inside free text: a plus and 8 to 15 digits, not part of a longer run. */
    private static final Pattern E164_IN_TEXT = Pattern.compile("(?<![\\w+])\\+\\d{8,15}(?!\\d)");

    private Msisdns() {
    }

    /** The country calling code of an E.164 number ({@code 856} for Laos), or empty if it has none. */
    public static Optional<String> countryCode(String e164) {
        if (e164 == null || !e164.startsWith("+")) {
            return Optional.empty();
        }
        try {
            int code = PHONES.parse(e164, "ZZ").getCountryCode();
            return code == 0 ? Optional.empty() : Optional.of(Integer.toString(code));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /** The number in E.164 ({@code +8562055512345}), or empty if it is not a valid phone number. */
    public static Optional<String> toE164(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            PhoneNumber number = PHONES.parse(raw, DEFAULT_REGION);
            return PHONES.isValidNumber(number)
                    ? Optional.of(PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164))
                    : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * A number as people write it: a Lao one in the national format ({@code 020 5551 2345}), any other in the
     * international one ({@code +66 81 234 5678}); what cannot be read as a number comes back unchanged.
     */
    public static String asWritten(String msisdn) {
        if (msisdn == null || msisdn.isBlank()) {
            return msisdn;
        }
        try {
            PhoneNumber number = PHONES.parse(msisdn, DEFAULT_REGION);
            if (!PHONES.isValidNumber(number)) {
                return msisdn;
            }
            if (!DEFAULT_REGION.equals(PHONES.getRegionCodeForNumber(number))) {
                return PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL);
            }
            // Lao mobiles as the carriers print them (020 5272 6595, 030 512 3456), not libphonenumber's 020 52 726 595
            String digits = PHONES.getNationalSignificantNumber(number);
            if (digits.length() == 10 && digits.startsWith("20")) {
                return "0" + digits.substring(0, 2) + " " + digits.substring(2, 6) + " " + digits.substring(6);
            }
            if (digits.length() == 9 && digits.startsWith("30")) {
                return "0" + digits.substring(0, 2) + " " + digits.substring(2, 5) + " " + digits.substring(5);
            }
            return PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.NATIONAL);
        } catch (NumberParseException e) {
            return msisdn;
        }
    }

    /** {@code +8562055512345} becomes {@code +856******2345}: enough to tell numbers apart in a log. */
    public static String mask(String msisdn) {
        if (msisdn == null || msisdn.length() <= 8) {
            return "****";
        }
        return msisdn.substring(0, 4) + "*".repeat(msisdn.length() - 8) + msisdn.substring(msisdn.length() - 4);
    }

    /** Every E.164 number inside {@code text} masked as {@link #mask} does; the rest of the text unchanged. */
    public static String maskWithin(String text) {
        if (text == null || text.indexOf('+') < 0) {
            return text;
        }
        return E164_IN_TEXT.matcher(text).replaceAll(match -> Matcher.quoteReplacement(mask(match.group())));
    }
}
