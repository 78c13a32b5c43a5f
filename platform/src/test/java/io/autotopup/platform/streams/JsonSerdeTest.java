package io.autotopup.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    record Entry(String id, long amount) {
    }

    static final class State {
        private long counter;
        private String name;
        private List<Entry> entries = new ArrayList<>();
    }

    @Test
    void a_state_class_with_private_fields_and_records_inside_survives_the_round_trip() {
        State state = new State();
        state.counter = 7;
        state.name = "x";
        state.entries.add(new Entry("a", 5));
        JsonSerde<State> serde = new JsonSerde<>(State.class);

        State read = serde.deserialize("t", serde.serialize("t", state));

        assertThat(read.counter).isEqualTo(7);
        assertThat(read.name).isEqualTo("x");
        assertThat(read.entries).containsExactly(new Entry("a", 5));
    }
}
