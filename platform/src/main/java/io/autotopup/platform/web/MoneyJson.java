package io.autotopup.platform.web;

import java.math.BigDecimal;
import io.autotopup.schemas.Currencies;

/**
 * Money as it travels in JSON: a decimal string with an ISO 4217 code ({@code {"amount":"50000","currency":"LAK"}},
 * {@code {"amount":"5.00","currency":"USD"}}). Internally and in events it is a whole number of minor units.
 */
public record MoneyJson(String amount, String currency) {

    public static MoneyJson of(long minorUnits, String currency) {
        int digits = fractionDigits(currency);
        return new MoneyJson(BigDecimal.valueOf(minorUnits, digits).toPlainString(), currency);
    }

    /**
     * @throws IllegalArgumentException with a message fit for an API client when the code is unknown, the
     *         amount is not a number, or it has more decimals than the currency has (5.001 USD)
     */
    public long toMinorUnits() {
        int digits = fractionDigits(currency);
        if (amount == null || amount.isBlank()) {
            throw new IllegalArgumentException("amount is required");
        }
        BigDecimal value;
        try {
            value = new BigDecimal(amount.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("amount '" + amount + "' is not a decimal number");
        }
        if (value.stripTrailingZeros().scale() > digits) {
            throw new IllegalArgumentException("amount " + amount + " has more than " + digits + " decimal places for "
                    + currency);
        }
        try {
            return value.movePointRight(digits).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("amount " + amount + " is out of range");
        }
    }

    /** The minor-unit digits of an ISO 4217 currency (USD 2; LAK 0, see {@link Currencies}). */
    public static int fractionDigits(String currency) {
        return Currencies.minorUnitDigits(currency);
    }
}
