package io.autotopup.notification.domain;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The GSM 03.38 default alphabet with its extension table, unpacked (one septet per byte, as SMPP carries
 * it with data_coding 0). An extension character is sent as ESC (0x1B) and its code, so it costs two.
 */
public final class Gsm7 {

    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String EXTENSION_CHARS = "^{}\\[~]|€\f";
    private static final byte[] EXTENSION_CODES = {0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65, 0x0A};
    private static final byte ESCAPE = 0x1B;
    private static final Map<Character, Byte> BASIC_CODES = new HashMap<>();
    private static final Map<Character, Byte> EXTENSION = new HashMap<>();

    static {
        for (int i = 0; i < BASIC.length(); i++) {
            if (BASIC.charAt(i) != ESCAPE) {
                BASIC_CODES.put(BASIC.charAt(i), (byte) i);
            }
        }
        for (int i = 0; i < EXTENSION_CHARS.length(); i++) {
            EXTENSION.put(EXTENSION_CHARS.charAt(i), EXTENSION_CODES[i]);
        }
    }

    private Gsm7() {
    }

    /** Whether every character of the text can be sent in the default alphabet (with its extension). */
    public static boolean canEncode(String text) {
        return text.chars().allMatch(c -> BASIC_CODES.containsKey((char) c) || EXTENSION.containsKey((char) c));
    }

    /** Septets the character takes: 1, or 2 for an extension character. */
    public static int septets(char c) {
        return EXTENSION.containsKey(c) ? 2 : 1;
    }

    /** The unpacked septets of a text {@link #canEncode} accepts. */
    public static byte[] encode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (char c : text.toCharArray()) {
            Byte extension = EXTENSION.get(c);
            if (extension != null) {
                out.write(ESCAPE);
                out.write(extension);
            } else {
                Byte code = BASIC_CODES.get(c);
                if (code == null) {
                    throw new IllegalArgumentException("'" + c + "' is not in the GSM 03.38 default alphabet");
                }
                out.write(code);
            }
        }
        return out.toByteArray();
    }

    /** The text of unpacked septets, as an SMS centre reads them. */
    public static String decode(byte[] septets) {
        StringBuilder text = new StringBuilder(septets.length);
        for (int i = 0; i < septets.length; i++) {
            int code = septets[i] & 0x7F;
            if (code == ESCAPE && i + 1 < septets.length) {
                byte next = septets[++i];
                int index = -1;
                for (int e = 0; e < EXTENSION_CODES.length; e++) {
                    if (EXTENSION_CODES[e] == next) {
                        index = e;
                    }
                }
                text.append(index >= 0 ? EXTENSION_CHARS.charAt(index) : ' ');
            } else {
                text.append(code < BASIC.length() ? BASIC.charAt(code) : '?');
            }
        }
        return text.toString();
    }
}
