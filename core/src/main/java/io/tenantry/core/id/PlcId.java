package io.tenantry.core.id;

/**
 * A device's short id within its tenant (unique per tenant), the last topic level of
 * {@code plc/<slug>/<plc_id>}. Rule {@code [a-z0-9-_]{3,32}}, design note 003 §3 and §6.
 *
 * @param value the PLC id
 * @throws io.tenantry.core.error.InvalidInputException when the value breaks the rule (field {@code plcId})
 */
public record PlcId(String value) {
    public PlcId {
        Slugs.require("plcId", value);
    }

    public static PlcId of(String value) {
        return new PlcId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
