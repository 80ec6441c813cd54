package io.tenantry.provisioning.broker;

import io.tenantry.provisioning.outbox.Outbox;
import io.tenantry.provisioning.outbox.OutboxEntry;
import io.tenantry.provisioning.outbox.OutboxHandler;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Outbox kind {@link Outbox#BROKER_SYNC}: the aggregate is an MQTT username, the secret a new password (or none);
 * {@link BrokerSync} brings that login to the state PostgreSQL describes.
 */
@Component
class BrokerSyncHandler implements OutboxHandler {
    private final BrokerSync sync;

    BrokerSyncHandler(BrokerSync sync) {
        this.sync = sync;
    }

    @Override
    public String kind() {
        return Outbox.BROKER_SYNC;
    }

    @Override
    public List<String> apply(OutboxEntry entry) {
        return sync.apply(entry.aggregateId(), entry.secret());
    }
}
