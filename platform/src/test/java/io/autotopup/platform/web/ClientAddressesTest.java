package io.autotopup.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    @Test
    void nobody_is_trusted_by_default_so_a_client_cannot_name_its_own_address() {
        ClientAddresses addresses = new ClientAddresses("");

        assertThat(addresses.of("198.51.100.7", "203.0.113.1")).isEqualTo("198.51.100.7");
        assertThat(addresses.of("10.42.0.12", "203.0.113.1")).as("not even a private address").isEqualTo("10.42.0.12");
    }

    @Test
    void behind_a_trusted_proxy_the_address_it_saw_counts_not_what_the_client_wrote_before_it() {
        ClientAddresses addresses = new ClientAddresses("10\\.42\\.7\\.\\d+");

        assertThat(addresses.of("10.42.7.3", "203.0.113.1, 198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(addresses.of("10.42.7.3", "198.51.100.7, 10.42.7.9")).as("through two trusted proxies").isEqualTo("198.51.100.7");
        assertThat(addresses.of("198.51.100.8", "203.0.113.1")).as("a peer that is not the proxy").isEqualTo("198.51.100.8");
        assertThat(addresses.of("10.42.7.3", null)).as("the proxy itself, with no header").isEqualTo("10.42.7.3");
    }
}
