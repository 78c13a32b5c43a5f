package io.autotopup.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeCipherTest {

    private static final String OLD = Base64.getEncoder().encodeToString("old-key-old-key-old-key-old-key!".getBytes(StandardCharsets.US_ASCII));
    private static final String NEW = Base64.getEncoder().encodeToString("new-key-new-key-new-key-new-key!".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] DOCUMENT = "LAO PDR NATIONAL ID 0123456789".getBytes(StandardCharsets.UTF_8);

    @Test
    void a_sealed_document_opens_with_its_key_and_shows_nothing_of_itself_sealed() {
        EnvelopeCipher cipher = new EnvelopeCipher(Map.of("2026-12", NEW), "2026-12");

        EnvelopeCipher.Sealed sealed = cipher.seal(DOCUMENT, "object-1");

        assertThat(sealed.keyId()).isEqualTo("2026-12");
        assertThat(new String(sealed.bytes(), StandardCharsets.ISO_8859_1)).doesNotContain("NATIONAL ID");
        assertThat(cipher.open(sealed.bytes(), "object-1")).isEqualTo(DOCUMENT);
        assertThat(cipher.seal(DOCUMENT, "object-1").bytes()).as("a fresh data key and IV each time").isNotEqualTo(sealed.bytes());
    }

    @Test
    void a_changed_byte_or_another_object_key_does_not_open() {
        EnvelopeCipher cipher = new EnvelopeCipher(Map.of("k", NEW), "k");
        byte[] sealed = cipher.seal(DOCUMENT, "object-1").bytes();

        assertThatThrownBy(() -> cipher.open(sealed, "object-2")).isInstanceOf(SecurityException.class);
        byte[] changed = sealed.clone();
        changed[changed.length - 20] ^= 1;
        assertThatThrownBy(() -> cipher.open(changed, "object-1")).isInstanceOf(SecurityException.class);
    }

    @Test
    void after_a_rotation_new_documents_use_the_new_key_and_old_ones_open_while_their_key_is_kept() {
        byte[] before = new EnvelopeCipher(Map.of("2026-06", OLD), "2026-06").seal(DOCUMENT, "object-1").bytes();
        Map<String, String> both = new LinkedHashMap<>();
        both.put("2026-06", OLD);
        both.put("2026-12", NEW);
        EnvelopeCipher rotated = new EnvelopeCipher(both, "2026-12");

        assertThat(rotated.open(before, "object-1")).isEqualTo(DOCUMENT);
        assertThat(rotated.seal(DOCUMENT, "object-2").keyId()).isEqualTo("2026-12");
        assertThatThrownBy(() -> new EnvelopeCipher(Map.of("2026-12", NEW), "2026-12").open(before, "object-1"))
                .isInstanceOf(SecurityException.class).hasMessageContaining("2026-06");
    }
}
