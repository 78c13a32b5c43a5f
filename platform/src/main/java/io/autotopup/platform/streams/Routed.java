package io.autotopup.platform.streams;

/**
 * A value on its way through a topology that is either accepted or rejected with a reason. Rejected
 * values leave through {@link DeadLetters#route} to the dead-letter topic of the input they came from.
 */
public record Routed<V>(V value, Rejection rejection) {

    /** Why a record was not applied, and where it goes instead. */
    public record Rejection(String deadLetterTopic, String code, String detail) {
    }

    public static <V> Routed<V> accepted(V value) {
        return new Routed<>(value, null);
    }

    public static <V> Routed<V> rejected(V value, String deadLetterTopic, String code, String detail) {
        return new Routed<>(value, new Rejection(deadLetterTopic, code, detail));
    }

    public boolean isAccepted() {
        return rejection == null;
    }
}
