package io.tenantry.gateway.rewrite;

import tools.jackson.databind.node.ObjectNode;

import java.util.function.UnaryOperator;

/**
 * What the gateway does with one tenant statement: answer it itself ({@link Local}) or send the rewritten
 * {@link Remote#statement()} to InfluxDB on {@link Remote#database()} and pass InfluxDB's statement result through
 * {@link Remote#mapper()} (names without the tenant prefix, {@code locatario_id} hidden, foreign names dropped).
 */
public sealed interface Plan permits Plan.Local, Plan.Remote {
    /** @param result the statement result object ({@code statement_id} is set by the caller) */
    record Local(ObjectNode result, String executed) implements Plan {
    }

    /**
     * @param statement the rendered, tenant-scoped statement
     * @param database  the physical database for the request's {@code db} parameter
     * @param mapper    turns InfluxDB's statement result into the tenant's
     * @param streamed  the same mapping done while InfluxDB's answer is read (SELECT; issue 15), or null
     */
    record Remote(String statement, String database, UnaryOperator<ObjectNode> mapper, StreamedSelect streamed)
            implements Plan {
        /** A plan whose answer is mapped as a tree only. */
        public Remote(String statement, String database, UnaryOperator<ObjectNode> mapper) {
            this(statement, database, mapper, null);
        }
    }
}
