package io.autotopup.notification.domain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text into SMS segments in UCS-2, which every language we serve can be written in: up to 70
 * characters fit one message; longer texts go in parts of 67 with a concatenation header (UDH, 8-bit
 * reference). A surrogate pair is never split across parts.
 */
public final class SmsSegments {

    public static final int SINGLE_UNITS = 70;
    public static final int PART_UNITS = 67;

    private SmsSegments() {
    }

    /** The UTF-16BE payload of each part, with its UDH when there is more than one part. */
    public static List<byte[]> ucs2(String text, int reference) {
        if (text.length() <= SINGLE_UNITS) {
            return List.of(text.getBytes(StandardCharsets.UTF_16BE));
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(start + PART_UNITS, text.length());
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            parts.add(text.substring(start, end));
            start = end;
        }
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            byte[] body = parts.get(i).getBytes(StandardCharsets.UTF_16BE);
            byte[] payload = new byte[6 + body.length];
            payload[0] = 0x05;
            payload[1] = 0x00;
            payload[2] = 0x03;
            payload[3] = (byte) reference;
            payload[4] = (byte) parts.size();
            payload[5] = (byte) (i + 1);
            System.arraycopy(body, 0, payload, 6, body.length);
            payloads.add(payload);
        }
        return payloads;
    }
}
