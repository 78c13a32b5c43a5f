package io.autotopup.platform.testing;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a tool beyond the JDK (kubectl, Chromium) skip with a message that names it, so the README's test
 * command runs anywhere; where {@value #FLAG}{@code =1} (CI, which installs them) a missing tool fails the test instead,
 * so that CI always runs them.
 */
public final class RequiredTools {

    public static final String FLAG = "AUTOTOPUP_REQUIRE_TOOLS";

    private RequiredTools() {
    }

    /** Skips (or, with {@value #FLAG}=1, fails) unless {@code available}; {@code missing} says what is missing and what it means. */
    public static void require(boolean available, String missing) {
        if (available) {
            return;
        }
        if ("1".equals(System.getenv(FLAG)) || Boolean.getBoolean("autotopup.require-tools")) {
            fail(missing + " (" + FLAG + "=1: every tool the tests need must be installed; .ci/run installs them)");
        }
        Assumptions.assumeTrue(false, missing);
    }
}
