package io.tenantry.provisioning.broker;

import io.tenantry.core.broker.AclRule;
import io.tenantry.core.broker.BrokerClient;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantSlug;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconciler's bulk comparison ({@link BrokerSync#agrees}) skips a login only when the broker's listing
 * matches every part of its desired state; any difference sends it to {@link BrokerSync#apply}.
 */
class BrokerSyncAgreesTest {
    private static final String U = "t_acme.plc-1";
    private static final List<AclRule> ACLS = BrokerAcls.device(TenantSlug.of("acme"), PlcId.of("plc-1"));
    private static final BrokerSync.Desired ENABLED = new BrokerSync.Desired(U, true, true, ACLS);

    @Test
    void matchingLoginAgreesWhateverTheAclOrder() {
        List<AclRule> reversed = new ArrayList<>(ACLS);
        Collections.reverse(reversed);
        assertThat(BrokerSync.agrees(ENABLED, new BrokerClient(U, List.of(U), false), reversed)).isTrue();
    }

    @Test
    void everyDifferenceDisagrees() {
        BrokerClient ok = new BrokerClient(U, List.of(U), false);
        assertThat(BrokerSync.agrees(ENABLED, null, ACLS)).as("client missing").isFalse();
        assertThat(BrokerSync.agrees(ENABLED, ok, null)).as("role missing").isFalse();
        assertThat(BrokerSync.agrees(ENABLED, new BrokerClient(U, List.of(U), true), ACLS)).as("disabled").isFalse();
        assertThat(BrokerSync.agrees(ENABLED, new BrokerClient(U, List.of(U, "admin"), false), ACLS)).as("extra role").isFalse();
        assertThat(BrokerSync.agrees(ENABLED, ok, ACLS.subList(0, ACLS.size() - 1))).as("ACL missing").isFalse();
        List<AclRule> widened = new ArrayList<>(ACLS);
        widened.add(AclRule.allow(AclRule.Type.SUBSCRIBE_PATTERN, "#"));
        assertThat(BrokerSync.agrees(ENABLED, ok, widened)).as("ACL added").isFalse();
        var disabled = new BrokerSync.Desired(U, true, false, ACLS);
        assertThat(BrokerSync.agrees(disabled, ok, ACLS)).as("should be disabled").isFalse();
        assertThat(BrokerSync.agrees(disabled, new BrokerClient(U, List.of(U), true), ACLS)).isTrue();
    }

    @Test
    void aLoginThatShouldNotExistAgreesOnlyWhenBothClientAndRoleAreGone() {
        var gone = new BrokerSync.Desired(U, false, false, List.of());
        assertThat(BrokerSync.agrees(gone, null, null)).isTrue();
        assertThat(BrokerSync.agrees(gone, new BrokerClient(U, List.of(U), true), null)).isFalse();
        assertThat(BrokerSync.agrees(gone, null, List.of())).isFalse();
    }
}
