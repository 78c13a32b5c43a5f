package io.autotopup.balance.application;

/** Makes one-time codes and checks them without keeping them: sealed for the SMS, hashed for the check. */
public interface CodeVault {

    String newCode();

    String seal(String code);

    String hash(String subscriberId, String code);

    boolean matches(String subscriberId, String code, String hash);

    /** A client address as it may be written down and counted: a keyed hash, never the address. */
    String hashAddress(String address);
}
