package io.tenantry.alert.notify;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.tenantry.alert.eval.AlertProperties;
import io.tenantry.core.retry.Backoff;
import io.tenantry.db.jooq.tables.records.AlertChannelsRecord;
import io.tenantry.db.jooq.tables.records.AlertDeliveriesRecord;
import io.tenantry.db.jooq.tables.records.AlertEventsRecord;
import jakarta.mail.internet.MimeMessage;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

import static io.tenantry.db.jooq.Tables.ALERT_CHANNELS;
import static io.tenantry.db.jooq.Tables.ALERT_DELIVERIES;
import static io.tenantry.db.jooq.Tables.ALERT_EVENTS;
import static io.tenantry.db.jooq.Tables.ALERT_RULES;
import static io.tenantry.db.jooq.Tables.DEVICES;

/**
 * Sends the notification outbox ({@code alert_deliveries}, written with each event in the evaluation's
 * transaction). One pass takes up to 20 due rows with {@code FOR UPDATE SKIP LOCKED} (two instances never send the
 * same row at once), sends each and records the outcome in the same transaction: {@code delivered} with the time,
 * or back to {@code pending} with {@code attempts + 1}, the error and the next pass after an exponential backoff
 * (5 s .. 10 min, {@link Backoff}), {@code failed} after {@code max-delivery-passes}. A process killed mid-send rolls
 * the row back to pending: it is sent again with the same {@code Idempotency-Key}, so a receiver sees at most one
 * delivery per key. Within one pass a webhook is tried {@code webhook-attempts} times with exponential backoff by
 * resilience4j's {@link Retry}.
 * <p>
 * Webhook: POST, JSON body {@code {eventId, kind, tenantId, ruleId, rule, deviceId, device, severity, at, values,
 * message}}, headers {@link WebhookSigner}. E-mail: a text message to the channel's address via the configured SMTP
 * server ({@code spring.mail.*}); without one, e-mail deliveries fail with "SMTP not configured".
 */
@Component
public class Deliveries {
    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
    private final DSLContext dsl;
    private final Clock clock;
    private final AlertProperties props;
    private final ObjectProvider<JavaMailSender> mail;
    private final HttpClient http;
    private final Retry retry;
    private final JsonMapper json = JsonMapper.builder().build();

    public Deliveries(DSLContext dsl, Clock clock, AlertProperties props, ObjectProvider<JavaMailSender> mail) {
        this.dsl = dsl;
        this.clock = clock;
        this.props = props;
        this.mail = mail;
        this.http = HttpClient.newBuilder().connectTimeout(props.webhookTimeout()).build();
        this.retry = Retry.of("webhook", RetryConfig.custom().maxAttempts(Math.max(1, props.webhookAttempts()))
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2.0))
                .retryExceptions(Exception.class).build());
    }

    /** One pass. @return rows handled (delivered or not) */
    public int sendDue() {
        return dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            List<AlertDeliveriesRecord> due = tx.selectFrom(ALERT_DELIVERIES).where(ALERT_DELIVERIES.STATUS.eq("pending"))
                    .and(ALERT_DELIVERIES.NEXT_ATTEMPT_AT.le(clock.instant().atOffset(ZoneOffset.UTC)))
                    .orderBy(ALERT_DELIVERIES.ID).limit(20).forUpdate().skipLocked().fetch();
            for (AlertDeliveriesRecord d : due) {
                String error = null;
                try {
                    send(tx, d);
                } catch (Exception e) {
                    error = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                d.setAttempts(d.getAttempts() + 1);
                if (error == null) {
                    d.setStatus("delivered");
                    d.setDeliveredAt(clock.instant().atOffset(ZoneOffset.UTC));
                    d.setLastError(null);
                } else {
                    log.info("delivery {} ({}) failed: {}", d.getId(), d.getIdempotencyKey(), error);
                    d.setLastError(error.length() > 1000 ? error.substring(0, 1000) : error);
                    d.setStatus(d.getAttempts() >= props.maxDeliveryPasses() ? "failed" : "pending");
                    d.setNextAttemptAt(clock.instant().plusMillis(Backoff.delayForAttempt(5_000, 600_000, d.getAttempts()))
                            .atOffset(ZoneOffset.UTC));
                }
                d.store();
            }
            return due.size();
        });
    }

    private void send(DSLContext tx, AlertDeliveriesRecord d) throws Exception {
        AlertChannelsRecord ch = tx.selectFrom(ALERT_CHANNELS).where(ALERT_CHANNELS.ID.eq(d.getChannelId())).fetchOne();
        AlertEventsRecord ev = tx.selectFrom(ALERT_EVENTS).where(ALERT_EVENTS.ID.eq(d.getEventId())).fetchOne();
        if (ch == null || ev == null || !ch.getTenantId().equals(ev.getTenantId())) {
            throw new IllegalStateException("channel or event gone");
        }
        String ruleName = tx.select(ALERT_RULES.NAME).from(ALERT_RULES).where(ALERT_RULES.ID.eq(ev.getRuleId())).fetchOne(ALERT_RULES.NAME);
        String plc = tx.select(DEVICES.PLC_ID).from(DEVICES).where(DEVICES.ID.eq(ev.getDeviceId())).fetchOne(DEVICES.PLC_ID);
        ObjectNode body = json.createObjectNode();
        body.put("eventId", ev.getId());
        body.put("kind", ev.getKind());
        body.put("tenantId", ev.getTenantId().toString());
        body.put("ruleId", ev.getRuleId().toString());
        body.put("rule", ruleName);
        body.put("deviceId", ev.getDeviceId().toString());
        body.put("device", plc);
        body.put("severity", ev.getSeverity());
        body.put("at", ev.getAt().toInstant().toString());
        body.set("values", json.readTree(ev.getValues().data()));
        body.put("message", ev.getMessage());
        String text = json.writeValueAsString(body);
        if (ch.getKind().equals("webhook")) {
            try {
                Retry.decorateCheckedRunnable(retry, () -> post(ch, d.getIdempotencyKey(), text)).run();
            } catch (Exception e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        } else {
            JavaMailSender sender = mail.getIfAvailable();
            if (sender == null) {
                throw new IllegalStateException("SMTP not configured (spring.mail.host)");
            }
            MimeMessage m = sender.createMimeMessage();
            MimeMessageHelper h = new MimeMessageHelper(m, false, StandardCharsets.UTF_8.name());
            h.setFrom(props.mailFrom());
            h.setTo(ch.getEmail());
            h.setSubject("[" + ev.getSeverity() + "] " + ev.getKind() + ": " + ruleName + " on " + plc);
            h.setText(ev.getMessage() + "\n\n" + text);
            m.setHeader("X-Tenantry-Idempotency-Key", d.getIdempotencyKey());
            sender.send(m);
        }
    }

    private void post(AlertChannelsRecord ch, String key, String body) throws IOException, InterruptedException {
        long ts = clock.instant().getEpochSecond();
        HttpRequest req = HttpRequest.newBuilder(URI.create(ch.getUrl())).timeout(props.webhookTimeout())
                .header("Content-Type", "application/json")
                .header(WebhookSigner.TIMESTAMP, Long.toString(ts))
                .header(WebhookSigner.SIGNATURE, WebhookSigner.sign(ch.getSecret(), ts, body))
                .header(WebhookSigner.IDEMPOTENCY_KEY, key)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("webhook answered HTTP " + r.statusCode());
        }
    }
}
