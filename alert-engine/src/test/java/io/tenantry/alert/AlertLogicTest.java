package io.tenantry.alert;

import io.tenantry.alert.eval.Ewma;
import io.tenantry.alert.eval.StateMachine;
import io.tenantry.alert.eval.StateMachine.State;
import io.tenantry.alert.eval.StateMachine.Transition;
import io.tenantry.alert.eval.Template;
import io.tenantry.alert.notify.WebhookSigner;
import io.tenantry.alert.rule.RuleSpec;
import io.tenantry.alert.rule.RuleSpecs;
import io.tenantry.core.error.FieldError;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's pure parts: state machine, EWMA chart, template, signature, spec validation. */
class AlertLogicTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void pendingThenFiringAfterForThenResolvedOnlyWhenCleared() {
        Duration forD = Duration.ofSeconds(60);
        var s = StateMachine.step(State.OK, T0, true, false, T0, forD);
        assertThat(s.state()).isEqualTo(State.PENDING);
        assertThat(s.transition()).isEqualTo(Transition.NONE);
        s = StateMachine.step(s.state(), s.since(), true, false, T0.plusSeconds(30), forD);
        assertThat(s.state()).isEqualTo(State.PENDING);
        s = StateMachine.step(s.state(), s.since(), true, false, T0.plusSeconds(60), forD);
        assertThat(s.transition()).isEqualTo(Transition.FIRED);
        // not breaching but not cleared (hysteresis band): stays firing
        s = StateMachine.step(s.state(), s.since(), false, false, T0.plusSeconds(90), forD);
        assertThat(s.state()).isEqualTo(State.FIRING);
        // unknown: stays
        s = StateMachine.step(s.state(), s.since(), null, null, T0.plusSeconds(100), forD);
        assertThat(s.state()).isEqualTo(State.FIRING);
        s = StateMachine.step(s.state(), s.since(), false, true, T0.plusSeconds(120), forD);
        assertThat(s.transition()).isEqualTo(Transition.RESOLVED);
        assertThat(s.state()).isEqualTo(State.RESOLVED);
        // a short breach returns to OK without any event
        s = StateMachine.step(s.state(), s.since(), true, false, T0.plusSeconds(130), forD);
        assertThat(s.state()).isEqualTo(State.PENDING);
        s = StateMachine.step(s.state(), s.since(), false, true, T0.plusSeconds(140), forD);
        assertThat(s.state()).isEqualTo(State.OK);
        assertThat(s.transition()).isEqualTo(Transition.NONE);
        // for = 0 fires at once
        assertThat(StateMachine.step(State.OK, T0, true, false, T0, Duration.ZERO).transition()).isEqualTo(Transition.FIRED);
    }

    @Test
    void ewmaStaysInControlOnNoiseAndLeavesOnAShift() {
        java.util.Random r = new java.util.Random(7);
        List<Double> base = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            base.add(10 + r.nextGaussian());
        }
        List<Double> same = new ArrayList<>();
        List<Double> shifted = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            same.add(10 + r.nextGaussian());
            shifted.add(12 + r.nextGaussian());
        }
        assertThat(Ewma.score(base, same, 0.2)).isLessThan(3);
        assertThat(Ewma.score(base, shifted, 0.2)).isGreaterThan(3);
        // the limit for one point: sigma * sqrt(lambda/(2-lambda) * (1-(1-lambda)^2)) = sigma * lambda
        assertThat(Ewma.score(List.of(-1.0, 1.0), List.of(5.0), 0.2)).isCloseTo(Math.abs(0.2 * 5) / (Math.sqrt(2) * 0.2), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Ewma.score(List.of(1.0), List.of(1.0), 0.2)).isNaN();
        assertThat(Ewma.score(Collections.nCopies(10, 3.0), List.of(3.0001), 0.2)).isGreaterThan(3);
    }

    @Test
    void ticksAreSpreadOverThePeriodAndNeverDueInTheFuture() {
        java.util.Set<Long> phases = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            java.util.UUID id = java.util.UUID.randomUUID();
            long p = io.tenantry.alert.eval.Ticks.phase(id, 30);
            assertThat(p).isBetween(0L, 29L);
            phases.add(p);
            Instant now = T0.plusMillis(i * 7919L);
            long k = io.tenantry.alert.eval.Ticks.current(id, 30, now);
            Instant due = io.tenantry.alert.eval.Ticks.due(id, 30, k);
            assertThat(due).isBeforeOrEqualTo(now);
            assertThat(io.tenantry.alert.eval.Ticks.due(id, 30, k + 1)).isAfter(now);
        }
        assertThat(phases.size()).isGreaterThan(20); // 200 random rules cover most of the 30 phases
        assertThat(io.tenantry.alert.eval.Ticks.phase(java.util.UUID.randomUUID(), 1)).isZero();
    }

    @Test
    void templateFillsValuesAndLeavesTheRest() {
        assertThat(Template.render("{{device}} temperature {{value}} > {{threshold}} {{nope}}",
                Map.of("device", "pump-1", "value", 81.23456, "threshold", 80.0))).isEqualTo("pump-1 temperature 81.2346 > 80 ");
    }

    @Test
    void signatureIsHmacSha256OverTimestampDotBody() {
        // deterministic; any change of secret or timestamp changes it
        String a = WebhookSigner.sign("whsec_x", 1700000000, "{\"a\":1}");
        assertThat(a).startsWith("sha256=").hasSize(7 + 64);
        assertThat(WebhookSigner.sign("whsec_x", 1700000000, "{\"a\":1}")).isEqualTo(a);
        assertThat(WebhookSigner.sign("whsec_y", 1700000000, "{\"a\":1}")).isNotEqualTo(a);
        assertThat(WebhookSigner.sign("whsec_x", 1700000001, "{\"a\":1}")).isNotEqualTo(a);
        // the signed text is exactly "<timestamp>.<body>"
        assertThat(WebhookSigner.sign("key", 0, "x")).isEqualTo("sha256=" + java.util.HexFormat.of().formatHex(hmac("key", "0.x")));
    }

    static byte[] hmac(String key, String msg) {
        try {
            javax.crypto.Mac m = javax.crypto.Mac.getInstance("HmacSHA256");
            m.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(), "HmacSHA256"));
            return m.doFinal(msg.getBytes());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void specsAreValidatedFieldByFieldAndNormalized() {
        JsonMapper json = JsonMapper.builder().build();
        List<FieldError> errors = new ArrayList<>();
        RuleSpec s = RuleSpecs.parse("threshold", json.readTree("{\"field\":\"t\",\"op\":\"above\",\"value\":80,\"clear\":90,\"for\":\"1x\"}"), errors);
        assertThat(s).isNull();
        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("spec.for", "spec.clear");
        errors.clear();
        s = RuleSpecs.parse("anomaly", json.readTree("{\"fields\":[\"a\",\"b\"]}"), errors);
        assertThat(errors).isEmpty();
        assertThat(RuleSpecs.toJson(s).toString()).isEqualTo(
                "{\"fields\":[\"a\",\"b\"],\"method\":\"ewma\",\"lambda\":0.2,\"limitSigmas\":3.0,\"baseline\":\"1h\",\"window\":\"5m\",\"minBaseline\":10,\"for\":\"0s\"}");
        errors.clear();
        RuleSpecs.parse("rate_of_change", json.readTree("{\"field\":\"plc_id\",\"limit\":-1}"), errors);
        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("spec.field", "spec.limit");
    }
}
