package io.tenantry.core.id;

/**
 * The platform's MQTT naming conventions (design note 003 §4, §6; issue 7 "one tenant obtains another tenant's
 * MQTT login"): topic {@code plc/<tenant_slug>/<plc_id>}, device username {@code t_<tenant_slug>.<plc_id>},
 * tenant service username {@code t_<tenant_slug>:svc}.
 * <p>
 * Why these names cannot collide: slugs and PLC ids match {@code [a-z0-9_-]{3,32}} ({@link Slugs}), so they never
 * contain {@code .} or {@code :}. In {@code t_<slug>.<plc_id>} the slug is therefore everything between
 * {@code t_} and the only {@code .}, and in {@code t_<slug>:svc} everything between {@code t_} and the only
 * {@code :}. A username thus names exactly one (kind, tenant slug, PLC id): two different devices, two tenants'
 * service logins, or a device and a service login can never share one, whatever underscores the slugs and PLC
 * ids hold. Slugs are unique and immutable, PLC ids unique per tenant, so device names only need to be unique
 * within their tenant.
 * <p>
 * Before this scheme (schema V1) logins were {@code t_<slug>_<plc_id>} and {@code t_<slug>_svc}, which collide
 * ({@code acme_corp}'s service login equals device {@code corp_svc} of {@code acme}). Such legacy logins keep
 * working until their credential is next issued, which moves them to the new name ({@link #isLegacyUsername}).
 */
public final class MqttNames {
    /** Separates slug and PLC id in a device username; never part of a slug or PLC id. */
    public static final char DEVICE_SEPARATOR = '.';
    /** Separates slug and {@code svc} in a tenant service username; never part of a slug. */
    public static final char SERVICE_SEPARATOR = ':';
    /** First level of every device topic. */
    public static final String TOPIC_ROOT = "plc";
    /** Filter matching every device's telemetry topic, {@code plc/+/+} (what ingest subscribes to). */
    public static final String TELEMETRY_TOPIC_FILTER = TOPIC_ROOT + "/+/+";
    /**
     * The MQTT v5 shared-subscription group every ingest instance joins (OASIS mqtt-v5.0 §4.8.2); the ingest
     * login's broker ACL grants exactly {@link #ingestSharedSubscription()}.
     */
    public static final String INGEST_SHARE_GROUP = "ingest";

    private MqttNames() {
    }

    /** Telemetry topic of one device: {@code plc/<slug>/<plc_id>} (parsed by {@link TelemetryTopic#parse}). */
    public static String telemetryTopic(TenantSlug slug, PlcId plcId) {
        return TOPIC_ROOT + "/" + slug.value() + "/" + plcId.value();
    }

    /** The shared subscription ingest instances take: {@code $share/ingest/plc/+/+}. */
    public static String ingestSharedSubscription() {
        return "$share/" + INGEST_SHARE_GROUP + "/" + TELEMETRY_TOPIC_FILTER;
    }

    /** Command topic filter a device may subscribe to: {@code plc/<slug>/<plc_id>/cmd/#}. */
    public static String commandTopicFilter(TenantSlug slug, PlcId plcId) {
        return telemetryTopic(slug, plcId) + "/cmd/#";
    }

    /** All topics of one tenant: {@code plc/<slug>/#}. */
    public static String tenantTopicFilter(TenantSlug slug) {
        return TOPIC_ROOT + "/" + slug.value() + "/#";
    }

    /** Device username (and dynsec client and role name, and MQTT client id on the device listener): {@code t_<slug>.<plc_id>}. */
    public static String deviceUsername(TenantSlug slug, PlcId plcId) {
        return "t_" + slug.value() + DEVICE_SEPARATOR + plcId.value();
    }

    /** Tenant service username (and dynsec client and role name): {@code t_<slug>:svc}. */
    public static String serviceUsername(TenantSlug slug) {
        return "t_" + slug.value() + SERVICE_SEPARATOR + "svc";
    }

    /**
     * True for a tenant login named by the V1 scheme ({@code t_<slug>_<plc_id>} or {@code t_<slug>_svc}): it starts
     * with {@code t_} and holds neither separator. Such a login still works; issuing its credential again renames it.
     */
    public static boolean isLegacyUsername(String username) {
        return username.startsWith("t_") && username.indexOf(DEVICE_SEPARATOR) < 0
                && username.indexOf(SERVICE_SEPARATOR) < 0;
    }
}
