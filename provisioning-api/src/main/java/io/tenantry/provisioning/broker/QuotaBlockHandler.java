package io.tenantry.provisioning.broker;

import io.tenantry.provisioning.outbox.OutboxEntry;
import io.tenantry.provisioning.outbox.OutboxHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.MQTT_CREDENTIALS;

/**
 * Outbox kind {@value #KIND} (issue 10, hard cap at the broker): written by quota-service when it sets or lifts a
 * tenant's quota block ({@code quota_blocks}); the aggregate is the tenant id. Re-applies the desired state of every
 * device login of the tenant ({@link BrokerSync#apply}), whose ACL omits the publish right while the block holds.
 * Like every outbox kind it names what to sync, not what to do, so late or repeated entries are harmless.
 */
@Component
class QuotaBlockHandler implements OutboxHandler {
    /** The outbox kind. */
    static final String KIND = "quota.broker";

    private final BrokerSync sync;
    private final DSLContext dsl;

    QuotaBlockHandler(BrokerSync sync, DSLContext dsl) {
        this.sync = sync;
        this.dsl = dsl;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<String> apply(OutboxEntry entry) {
        List<String> changes = new ArrayList<>();
        for (String user : dsl.select(MQTT_CREDENTIALS.USERNAME).from(MQTT_CREDENTIALS)
                .where(MQTT_CREDENTIALS.TENANT_ID.eq(UUID.fromString(entry.aggregateId())),
                        MQTT_CREDENTIALS.DEVICE_ID.isNotNull()).fetch(MQTT_CREDENTIALS.USERNAME)) {
            changes.addAll(sync.apply(user, null));
        }
        return changes;
    }
}
