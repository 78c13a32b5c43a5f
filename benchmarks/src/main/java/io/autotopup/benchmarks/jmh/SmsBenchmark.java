package io.autotopup.benchmarks.jmh;

import io.autotopup.notification.domain.SmsSegments;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Choosing the alphabet and cutting a text into SMS segments, for the texts subscribers get in each language. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SmsBenchmark {

    @Param({"en", "lo", "th", "zh"})
    public String language;

    private String text;

    @org.openjdk.jmh.annotations.Setup
    public void prepare() {
        text = switch (language) {
            case "en" -> "Auto top-up: $10.00 added from card ending 4242. New balance: $11.00. Top up before [the end] of "
                    + "the month to keep your bonus; reply STOP to end these texts.";
            case "lo" -> "ເຕີມເງິນອັດຕະໂນມັດ: ເພີ່ມ 50,000 ₭ ຈາກບັດທີ່ລົງທ້າຍດ້ວຍ 4242 ແລ້ວ. ຍອດເງິນໃໝ່: 56,000 ₭.";
            case "th" -> "เติมเงินอัตโนมัติ: เพิ่ม 50,000 ₭ จากบัตรลงท้าย 4242 แล้ว ยอดเงินใหม่: 56,000 ₭";
            default -> "自动充值：已从尾号 4242 的卡充值 50,000 ₭。新余额：56,000 ₭。";
        };
    }

    @Benchmark
    public SmsSegments.Encoded encode() {
        return SmsSegments.encode(text, 7);
    }
}
