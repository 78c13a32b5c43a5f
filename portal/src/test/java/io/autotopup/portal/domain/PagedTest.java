package io.autotopup.portal.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PagedTest {

    private final List<Integer> entries = IntStream.range(0, 25).boxed().toList();

    @Test
    void pages_go_from_the_newest_to_the_oldest() {
        assertThat(Paged.of(entries, 0, 10)).isEqualTo(new Paged<>(entries.subList(0, 10), 0, false, true));
        assertThat(Paged.of(entries, 2, 10)).isEqualTo(new Paged<>(entries.subList(20, 25), 2, true, false));
    }

    @Test
    void a_page_out_of_range_is_the_nearest_one_and_nothing_is_one_empty_page() {
        assertThat(Paged.of(entries, 9, 10).page()).isEqualTo(2);
        assertThat(Paged.of(entries, -1, 10).page()).isEqualTo(0);
        assertThat(Paged.of(List.of(), 0, 10)).isEqualTo(new Paged<>(List.of(), 0, false, false));
    }
}
