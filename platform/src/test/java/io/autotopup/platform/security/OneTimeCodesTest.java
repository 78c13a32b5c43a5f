package io.autotopup.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class OneTimeCodesTest {

    private static final String SECRET = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    private final OneTimeCodes codes = OneTimeCodes.fromBase64(SECRET);

    @Test
    void a_sealed_code_opens_with_the_same_secret_and_shows_nothing_of_itself() {
        String code = codes.newCode();
        String sealed = codes.seal(code);

        assertThat(code).matches("\\d{6}");
        assertThat(sealed).doesNotContain(code);
        assertThat(codes.seal(code)).as("a fresh IV each time").isNotEqualTo(sealed);
        assertThat(OneTimeCodes.fromBase64(SECRET).open(sealed)).isEqualTo(code);
    }

    @Test
    void another_secret_cannot_open_the_seal() {
        OneTimeCodes other = OneTimeCodes.fromBase64(Base64.getEncoder().encodeToString("another secret of thirty-two byt".getBytes()));

        assertThatThrownBy(() -> other.open(codes.seal("123456"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void only_the_right_code_for_the_right_subscriber_matches_the_hash() {
        String hash = codes.hash("sub-1", "123456");

        assertThat(hash).doesNotContain("123456");
        assertThat(codes.matches("sub-1", "123456", hash)).isTrue();
        assertThat(codes.matches("sub-1", "123457", hash)).isFalse();
        assertThat(codes.matches("sub-2", "123456", hash)).isFalse();
    }

    @Test
    void a_missing_secret_says_what_to_set() {
        assertThatThrownBy(() -> OneTimeCodes.fromBase64("")).hasMessageContaining("VERIFICATION_CODE_KEY");
    }
}
