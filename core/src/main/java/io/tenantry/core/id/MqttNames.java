package io.tenantry.core.id;

/**
 * The platform's MQTT naming conventions (design note 003 §4): topic {@code plc/<tenant_slug>/<plc_id>},
 * device username {@code t_<tenant_slug>_<plc_id>}, tenant service username {@code t_<tenant_slug>_svc}.
 */
public final class MqttNames {
    private MqttNames() {
    }

    /** Telemetry topic of one device: {@code plc/<slug>/<plc_id>}. */
    public static String telemetryTopic(TenantSlug slug, PlcId plcId) {
        return "plc/" + slug.value() + "/" + plcId.value();
    }

    /** Command topic filter a device may subscribe to: {@code plc/<slug>/<plc_id>/cmd/#}. */
    public static String commandTopicFilter(TenantSlug slug, PlcId plcId) {
        return telemetryTopic(slug, plcId) + "/cmd/#";
    }

    /** All topics of one tenant: {@code plc/<slug>/#}. */
    public static String tenantTopicFilter(TenantSlug slug) {
        return "plc/" + slug.value() + "/#";
    }

    /** Device username (and dynsec client and role name): {@code t_<slug>_<plc_id>}. */
    public static String deviceUsername(TenantSlug slug, PlcId plcId) {
        return "t_" + slug.value() + "_" + plcId.value();
    }

    /** Tenant service username: {@code t_<slug>_svc}. */
    public static String serviceUsername(TenantSlug slug) {
        return "t_" + slug.value() + "_svc";
    }
}
