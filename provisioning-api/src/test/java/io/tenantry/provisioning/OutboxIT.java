package io.tenantry.provisioning;

import io.tenantry.db.jooq.tables.records.OutboxRecord;
import io.tenantry.provisioning.outbox.Outbox;
import io.tenantry.provisioning.outbox.OutboxEntry;
import io.tenantry.provisioning.outbox.OutboxHandler;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.tenantry.db.jooq.Tables.OUTBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The outbox against the real PostgreSQL: entries go to the handler of their kind (a new kind is a new bean, here
 * {@link EchoHandler}), right after the enqueuing transaction commits and before that call returns; pending entries
 * of one aggregate fold into one call with the newest secret, which is wiped once applied; a rolled-back change
 * leaves nothing; enqueueing outside a transaction is refused; an entry whose kind no handler claims waits and
 * backs off instead of being dropped (a newer instance may know it).
 */
class OutboxIT extends ProvisioningTestBase {
    @Autowired
    DSLContext dsl;
    @Autowired
    Outbox outbox;
    @Autowired
    EchoHandler echo;

    /** A handler for kind {@code test.echo} that records what it was asked to apply (registered in the test base). */
    static class EchoHandler implements OutboxHandler {
        static final String KIND = "test.echo";
        final List<OutboxEntry> seen = new CopyOnWriteArrayList<>();

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public List<String> apply(OutboxEntry entry) {
            seen.add(entry);
            return List.of("echoed " + entry.aggregateId());
        }

        List<OutboxEntry> of(String aggregateId) {
            return seen.stream().filter(e -> e.aggregateId().equals(aggregateId)).toList();
        }
    }

    List<OutboxRecord> rows(String aggregateId) {
        return dsl.selectFrom(OUTBOX).where(OUTBOX.AGGREGATE_ID.eq(aggregateId)).orderBy(OUTBOX.ID).fetch();
    }

    @Test
    void entriesReachTheirKindsHandlerRightAfterCommitFoldedWithTheNewestSecret() {
        String id = "echo-" + UUID.randomUUID();
        dsl.transaction(c -> {
            outbox.enqueue(c.dsl(), EchoHandler.KIND, null, id, "first");
            outbox.enqueue(c.dsl(), EchoHandler.KIND, null, id, "second");
            assertThat(echo.of(id)).as("nothing is applied before commit").isEmpty();
        });
        // applied by the after-commit hook before dsl.transaction returned
        assertThat(echo.of(id)).containsExactly(new OutboxEntry(EchoHandler.KIND, null, id, "second"));
        assertThat(rows(id)).hasSize(2).allSatisfy(r -> {
            assertThat(r.getDoneAt()).isNotNull();
            assertThat(r.getSecret()).as("secret wiped once applied").isNull();
        });
    }

    @Test
    void aRolledBackChangeLeavesNothingToApply() {
        String id = "echo-" + UUID.randomUUID();
        assertThatThrownBy(() -> dsl.transaction(c -> {
            outbox.enqueue(c.dsl(), EchoHandler.KIND, null, id, null);
            throw new IllegalStateException("the change fails after enqueueing");
        })).hasMessageContaining("the change fails");
        assertThat(rows(id)).isEmpty();
        assertThat(echo.of(id)).isEmpty();
    }

    @Test
    void enqueueingOutsideATransactionIsRefused() {
        String id = "echo-" + UUID.randomUUID();
        assertThatThrownBy(() -> outbox.enqueue(dsl, EchoHandler.KIND, null, id, null))
                .isInstanceOf(IllegalStateException.class);
        assertThat(rows(id)).isEmpty();
    }

    @Test
    void anEntryOfAKindWithoutHandlerWaitsAndBacksOff() {
        String id = "orphan-" + UUID.randomUUID();
        try {
            dsl.transaction(c -> outbox.enqueue(c.dsl(), "test.no-handler", null, id, "kept"));
            assertThat(rows(id)).singleElement().satisfies(r -> {
                assertThat(r.getDoneAt()).isNull();
                assertThat(r.getAttempts()).isGreaterThanOrEqualTo(1);
                assertThat(r.getLastError()).contains("no outbox handler for kind test.no-handler");
                assertThat(r.getNextAttemptAt()).isAfter(r.getCreatedAt());
                assertThat(r.getSecret()).as("kept sealed until a handler applies it").isNotNull();
            });
        } finally {
            dsl.deleteFrom(OUTBOX).where(OUTBOX.AGGREGATE_ID.eq(id)).execute();
        }
    }
}
