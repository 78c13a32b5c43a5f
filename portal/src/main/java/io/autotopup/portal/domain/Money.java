package io.autotopup.portal.domain;

import io.autotopup.schemas.Currencies;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/**
 * An amount of money in whole minor units of its ISO 4217 currency, and how a person reads it: as the texts write it
 * (20,000 ₭, $5.00, −10,000 ₭), whatever the language of the page.
 */
public record Money(long minorUnits, String currency) {

    /** From the decimal string the APIs use ({@code "50000"}, {@code "5.00"}). */
    public static Money of(String amount, String currency) {
        return new Money(new BigDecimal(amount).movePointRight(Currencies.minorUnitDigits(currency)).longValueExact(), currency);
    }

    /**
     * An amount as a person typed it, as the APIs take it: digit-group separators (commas, spaces, thin and no-break
     * spaces, apostrophes) and currency marks (₭, LAK, kip, ກີບ, $, USD, ฿, ¥) left out, Lao and Thai digits read as
     * digits, so "20 000", "20,000 ₭", "₭20000" and "໒໐໐໐໐" are all 20000. Null when nothing was typed; anything
     * else that is not a number comes back trimmed, for the service to refuse beside its field.
     */
    public static String typed(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String bare = CURRENCY_MARKS.matcher(text.strip()).replaceAll("");
        StringBuilder amount = new StringBuilder(bare.length());
        bare.codePoints().forEach(c -> {
            if (Character.isDigit(c)) {
                amount.append((char) ('0' + Character.digit(c, 10)));
            } else if (c != ',' && c != '\'' && c != '’' && !Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                amount.appendCodePoint(c);
            }
        });
        return amount.isEmpty() ? text.strip() : amount.toString();
    }

    private static final java.util.regex.Pattern CURRENCY_MARKS =
            java.util.regex.Pattern.compile("(?iu)(₭|ກີບ|kip|lak|usd|us\\$|\\$|฿|thb|¥|cny|元|บาท)");

    /** The decimal string the APIs take. */
    public String amount() {
        return BigDecimal.valueOf(minorUnits, Currencies.minorUnitDigits(currency)).toPlainString();
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(minorUnits + other.minorUnits, currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(minorUnits - other.minorUnits, currency);
    }

    public boolean isBelow(Money other) {
        requireSameCurrency(other);
        return minorUnits < other.minorUnits;
    }

    public boolean isNegative() {
        return minorUnits < 0;
    }

    /** As the texts write it, in every language, so the page and the SMS show the same figure. */
    public String format() {
        int digits = Currencies.minorUnitDigits(currency);
        DecimalFormat format = new DecimalFormat(digits == 0 ? "#,##0" : "#,##0." + "0".repeat(digits),
                DecimalFormatSymbols.getInstance(Locale.ROOT));
        String figure = format.format(BigDecimal.valueOf(Math.abs(minorUnits), digits));
        String sign = minorUnits < 0 ? "−" : "";
        return switch (currency) {
            case "LAK" -> sign + figure + " ₭";
            case "USD" -> sign + "$" + figure;
            case "THB" -> sign + figure + " ฿";
            case "CNY" -> sign + "¥" + figure;
            default -> sign + figure + " " + currency;
        };
    }

    /** The sign people write beside an amount of this currency: ₭ for kip, $ for dollars; else its code. */
    public static String symbol(String currency) {
        return switch (currency == null ? "" : currency) {
            case "LAK" -> "₭";
            case "USD" -> "$";
            case "THB" -> "฿";
            case "CNY" -> "¥";
            default -> currency;
        };
    }

    private void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException(currency + " and " + other.currency + " do not add up");
        }
    }
}
