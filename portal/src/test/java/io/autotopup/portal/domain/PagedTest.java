package io.autotopup.portal.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PagedTest {

    private final List<Integer> entries = IntStream.range(0, 25).boxed().toList();

    @Test
    void pages_go_from_the_newest_to_the_oldest() {
        assertThat(Paged.of(entries, 0, 10)).isEqualTo(new Paged<>(entries.subList(0, 10), 0, false, true, false, null));
        assertThat(Paged.of(entries, 2, 10)).isEqualTo(new Paged<>(entries.subList(20, 25), 2, true, false, false, null));
    }

    @Test
    void a_page_out_of_range_is_the_nearest_one_and_nothing_is_one_empty_page() {
        assertThat(Paged.of(entries, 9, 10).page()).isEqualTo(2);
        assertThat(Paged.of(entries, -1, 10).page()).isEqualTo(0);
        assertThat(Paged.of(List.of(), 0, 10)).isEqualTo(new Paged<>(List.of(), 0, false, false, false, null));
    }

    @Test
    void a_page_by_cursor_shows_its_size_and_points_to_the_older_page_only_when_one_more_came_back() {
        List<Integer> fetched = entries.subList(0, 11);
        Paged<Integer> newest = Paged.byCursor(fetched, 10, true, Integer::longValue);
        assertThat(newest.items()).isEqualTo(entries.subList(0, 10));
        assertThat(newest.hasNewer()).isFalse();
        assertThat(newest.hasOlder()).isTrue();
        assertThat(newest.before()).as("the cursor is the last item shown, not the extra one").isEqualTo(9L);

        Paged<Integer> last = Paged.byCursor(entries.subList(20, 25), 10, false, Integer::longValue);
        assertThat(last.items()).hasSize(5);
        assertThat(last.hasNewer()).isTrue();
        assertThat(last.hasOlder()).isFalse();
        assertThat(last.before()).isNull();
        assertThat(Paged.byCursor(List.<Integer>of(), 10, true, Integer::longValue).items()).isEmpty();
    }
}
