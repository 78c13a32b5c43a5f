package io.autotopup.notification.domain;

import io.autotopup.schemas.Currencies;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** Money as a subscriber reads it in an SMS: {@code 50,000 ₭}, {@code $5.00}, {@code 100.00 ฿}. */
public final class MoneyText {

    private MoneyText() {
    }

    public static String format(long minorUnits, String currency) {
        int digits = Currencies.minorUnitDigits(currency);
        DecimalFormat format = new DecimalFormat(digits == 0 ? "#,##0" : "#,##0." + "0".repeat(digits),
                DecimalFormatSymbols.getInstance(Locale.ROOT));
        String amount = format.format(BigDecimal.valueOf(minorUnits, digits));
        return switch (currency) {
            case "LAK" -> amount + " ₭";
            case "USD" -> minorUnits < 0 ? "-$" + amount.substring(1) : "$" + amount;
            case "THB" -> amount + " ฿";
            case "CNY" -> "¥" + amount;
            default -> amount + " " + currency;
        };
    }
}
