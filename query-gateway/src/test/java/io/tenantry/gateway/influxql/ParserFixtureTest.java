package io.tenantry.gateway.influxql;

import io.tenantry.gateway.Fixtures;
import io.tenantry.gateway.influxql.Ast.Statement;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every case of {@code influxql-parser-cases-v1.0.0.json} (issue 13 "Parser"): a valid statement of an allowed
 * kind parses and its rendering is a fixed point (render → parse → render gives the same text); a valid statement
 * of any other kind is refused as NOT_ALLOWED; an invalid one is refused (as SYNTAX when it starts like an allowed
 * statement, with upstream's message wherever upstream's names a position). The 43 expression cases likewise.
 */
class ParserFixtureTest {
    private static final Pattern ALLOWED = Pattern.compile(
            "(?is)\\s*(SELECT\\s(?!.*\\bINTO\\b)|SHOW\\s+(MEASUREMENTS|TAG\\s+KEYS|TAG\\s+VALUES\\s+(?!(EXACT\\s+)?CARDINALITY)|FIELD\\s+KEYS|SERIES(?!\\s+(EXACT\\s+)?CARDINALITY)|DATABASES|RETENTION\\s+POLICIES)).*");

    @Test
    void everyStatementCase() {
        JsonNode cases = Fixtures.parserCases().get("statements");
        int validAllowed = 0;
        int validRefused = 0;
        int invalid = 0;
        int sameMessage = 0;
        int skipped = 0;
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            String q = c.get("q").asString();
            boolean valid = c.get("valid").asBoolean();
            if (c.has("skip") && c.get("skip").asBoolean()) {
                skipped++;
                // upstream skips these (ORDER BY on fields); the gateway must refuse them like InfluxDB 1.6.7 does
                assertRefused(q, failures);
                continue;
            }
            if (valid && ALLOWED.matcher(q).matches()) {
                try {
                    Statement s = Parser.parseStatement(q);
                    String r1 = Renderer.render(s);
                    String r2 = Renderer.render(Parser.parseStatement(r1));
                    if (!r1.equals(r2)) {
                        failures.add("not a fixed point: " + q + " → " + r1 + " → " + r2);
                    }
                    validAllowed++;
                } catch (InfluxQLException e) {
                    if (c.has("params_go") && e.getMessage() != null && q.contains("$")) {
                        failures.add("bound parameter statement failed: " + q + ": " + e.getMessage());
                    } else {
                        failures.add("valid refused: " + q + ": " + e.getMessage());
                    }
                }
            } else if (valid) {
                try {
                    Parser.parseStatement(q);
                    failures.add("not refused: " + q);
                } catch (InfluxQLException e) {
                    if (e.kind() != InfluxQLException.Kind.NOT_ALLOWED) {
                        failures.add("refused as " + e.kind() + ": " + q + ": " + e.getMessage());
                    }
                    validRefused++;
                }
            } else {
                invalid++;
                try {
                    Parser.parseStatement(q);
                    failures.add("invalid accepted: " + q);
                } catch (InfluxQLException e) {
                    if (ALLOWED.matcher(q).matches() && e.kind() != InfluxQLException.Kind.SYNTAX) {
                        failures.add("invalid allowed-kind statement refused as " + e.kind() + ": " + q);
                    }
                    if (e.getMessage().equals(c.get("err").asString())) {
                        sameMessage++;
                    }
                }
            }
        }
        System.out.printf("parser cases: %d valid allowed (round trip), %d valid refused by policy, %d invalid refused"
                + " (%d with upstream's exact message), %d skipped-by-upstream refused%n",
                validAllowed, validRefused, invalid, sameMessage, skipped);
        failures.forEach(f -> System.out.println("FAIL " + f));
        assertThat(failures).isEmpty();
        assertThat(validAllowed + validRefused + invalid + skipped).isEqualTo(cases.size());
        assertThat(validAllowed).isEqualTo(96);
        assertThat(validRefused).isEqualTo(135);
    }

    @Test
    void everyExpressionCase() {
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (JsonNode c : Fixtures.parserCases().get("expressions")) {
            n++;
            String q = c.get("q").asString();
            try {
                Ast.Expr e = Parser.parseExpr(q);
                String r1 = Renderer.expr(e);
                Ast.Expr again = Parser.parseExpr(r1);
                if (!again.equals(e) && !Renderer.expr(again).equals(r1)) {
                    failures.add("not a fixed point: " + q + " → " + r1);
                }
                if (!c.get("valid").asBoolean()) {
                    failures.add("invalid accepted: " + q);
                }
            } catch (InfluxQLException e) {
                if (c.get("valid").asBoolean()) {
                    failures.add("valid refused: " + q + ": " + e.getMessage());
                }
            }
        }
        assertThat(n).isEqualTo(43);
        assertThat(failures).isEmpty();
    }

    private static void assertRefused(String q, List<String> failures) {
        try {
            Parser.parseStatement(q);
            failures.add("accepted: " + q);
        } catch (InfluxQLException expected) {
            // refused
        }
    }
}
