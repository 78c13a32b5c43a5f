package io.autotopup.balance.adapter.in.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The operator's API key, sent as {@code X-Operator-Key}: a stand-in for real authentication, which comes
 * later. With no key configured, nobody is an operator.
 */
public final class OperatorKey {

    public static final String HEADER = "X-Operator-Key";

    private final byte[] key;

    public OperatorKey(String key) {
        this.key = key == null || key.isBlank() ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    public boolean matches(String presented) {
        return key != null && presented != null
                && MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8));
    }
}
