package io.autotopup.balance.adapter.out.security;

import io.autotopup.balance.application.CodeVault;
import io.autotopup.platform.security.OneTimeCodes;

/** One-time codes sealed and hashed with the secret shared with notification-service. */
public final class OneTimeCodeVault implements CodeVault {

    private final OneTimeCodes codes;

    public OneTimeCodeVault(OneTimeCodes codes) {
        this.codes = codes;
    }

    @Override
    public String newCode() {
        return codes.newCode();
    }

    @Override
    public String seal(String code) {
        return codes.seal(code);
    }

    @Override
    public String hash(String subscriberId, String code) {
        return codes.hash(subscriberId, code);
    }

    @Override
    public boolean matches(String subscriberId, String code, String hash) {
        return codes.matches(subscriberId, code, hash);
    }

    @Override
    public String hashAddress(String address) {
        return codes.hashAddress(address);
    }
}
