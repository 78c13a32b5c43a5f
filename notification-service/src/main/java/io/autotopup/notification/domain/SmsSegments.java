package io.autotopup.notification.domain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text into SMS segments. A text the GSM 03.38 default alphabet can carry goes as GSM-7: up to 160
 * septets in one message, else parts of 153 (an extension character counts two and is never split from its
 * escape). Any other text (Lao, Thai, Chinese, or a sign such as ₭) goes as UCS-2: up to 70 characters in
 * one message, else parts of 67, never splitting a surrogate pair. Parts carry a concatenation header (UDH,
 * 8-bit reference).
 */
public final class SmsSegments {

    public static final int SINGLE_UNITS = 70;
    public static final int PART_UNITS = 67;
    public static final int GSM_SINGLE_SEPTETS = 160;
    public static final int GSM_PART_SEPTETS = 153;

    private SmsSegments() {
    }

    /** The payloads of a text and how they are coded. */
    public record Encoded(boolean gsm7, List<byte[]> payloads) {
        public int segments() {
            return payloads.size();
        }
    }

    /** GSM-7 when every character allows it, otherwise UCS-2. */
    public static Encoded encode(String text, int reference) {
        return Gsm7.canEncode(text) ? new Encoded(true, gsm7(text, reference)) : new Encoded(false, ucs2(text, reference));
    }

    /** The unpacked GSM-7 payload of each part, with its UDH when there is more than one part. */
    public static List<byte[]> gsm7(String text, int reference) {
        int total = text.chars().map(c -> Gsm7.septets((char) c)).sum();
        if (total <= GSM_SINGLE_SEPTETS) {
            return List.of(Gsm7.encode(text));
        }
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        int septets = 0;
        for (char c : text.toCharArray()) {
            int cost = Gsm7.septets(c);
            if (septets + cost > GSM_PART_SEPTETS) {
                parts.add(part.toString());
                part.setLength(0);
                septets = 0;
            }
            part.append(c);
            septets += cost;
        }
        parts.add(part.toString());
        return withHeaders(parts.stream().map(Gsm7::encode).toList(), reference);
    }

    /** The UTF-16BE payload of each part, with its UDH when there is more than one part. */
    public static List<byte[]> ucs2(String text, int reference) {
        if (text.length() <= SINGLE_UNITS) {
            return List.of(text.getBytes(StandardCharsets.UTF_16BE));
        }
        List<byte[]> bodies = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(start + PART_UNITS, text.length());
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            bodies.add(text.substring(start, end).getBytes(StandardCharsets.UTF_16BE));
            start = end;
        }
        return withHeaders(bodies, reference);
    }

    private static List<byte[]> withHeaders(List<byte[]> bodies, int reference) {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            byte[] body = bodies.get(i);
            byte[] payload = new byte[6 + body.length];
            payload[0] = 0x05;
            payload[1] = 0x00;
            payload[2] = 0x03;
            payload[3] = (byte) reference;
            payload[4] = (byte) bodies.size();
            payload[5] = (byte) (i + 1);
            System.arraycopy(body, 0, payload, 6, body.length);
            payloads.add(payload);
        }
        return payloads;
    }
}
