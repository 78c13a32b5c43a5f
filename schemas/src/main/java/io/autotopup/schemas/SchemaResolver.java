package io.autotopup.schemas;

import java.util.OptionalInt;
import org.apache.avro.Schema;

/**
 * What the serde asks a schema registry: the writer's schema of a record framed with a schema id, and the id under
 * which a subject holds the schema it writes. An implementation caches (no record may cost a request) and answers
 * from its cache while the registry is away.
 */
public interface SchemaResolver {

    /**
     * The schema registered under {@code id}.
     *
     * @throws org.apache.kafka.common.errors.SerializationException saying why, if the registry does not know the
     *         id or cannot be asked and the id was never seen
     */
    Schema schemaById(int id);

    /** The id of {@code schema} under {@code subject}, or empty when it is not registered there or cannot be learnt now. */
    OptionalInt idOf(String subject, Schema schema);
}
