package io.tenantry.gateway.influxql;

import io.tenantry.gateway.influxql.Ast.*;
import io.tenantry.gateway.influxql.Lexer.T;
import io.tenantry.gateway.influxql.Lexer.Tok;

import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Hand-written recursive-descent parser for InfluxQL, mirroring influxql v1.0.0's {@code parser.go} (the grammar
 * InfluxDB 1.6.7 builds with; issue 13). Every statement type gets an explicit decision: {@code SELECT} and
 * {@code SHOW MEASUREMENTS / TAG KEYS / TAG VALUES / FIELD KEYS / SERIES / DATABASES / RETENTION POLICIES} are parsed
 * into {@link Ast}; every other statement of the grammar ({@code CREATE DROP DELETE ALTER GRANT REVOKE SET KILL
 * EXPLAIN}, {@code SELECT … INTO}, the cardinality forms and the server-wide {@code SHOW}s) is refused with
 * {@link InfluxQLException.Kind#NOT_ALLOWED}; anything the grammar does not know with
 * {@link InfluxQLException.Kind#SYNTAX} (upstream's message shape). Thread-confined; one instance per text.
 */
public final class Parser {
    private static final String STATEMENT_STARTS = "SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET, KILL";
    private static final Set<String> CAST_TYPES = Set.of("float", "integer", "unsigned", "string", "boolean");

    private final Lexer lx;
    private final String text;

    private Parser(String text) {
        this.text = text;
        this.lx = new Lexer(text);
    }

    /**
     * Parses a query: statements separated by {@code ;} (a trailing one allowed).
     *
     * @return the statements, in order (possibly empty for a text of only whitespace, comments and semicolons)
     * @throws InfluxQLException on a grammar error or a refused statement
     */
    public static List<Statement> parseQuery(String text) {
        Parser p = new Parser(text);
        List<Statement> out = new ArrayList<>();
        boolean semi = true;
        while (true) {
            Tok t = p.next();
            if (t.type() == T.EOF) {
                return out;
            }
            if (t.type() == T.SEMICOLON) {
                semi = true;
                continue;
            }
            if (!semi) {
                throw p.err(t, ";");
            }
            p.back(t);
            out.add(p.statement());
            semi = false;
        }
    }

    /** Parses exactly one statement (a trailing {@code ;} allowed). */
    public static Statement parseStatement(String text) {
        Parser p = new Parser(text);
        Statement s = p.statement();
        Tok t = p.next();
        if (t.type() == T.SEMICOLON) {
            t = p.next();
        }
        if (t.type() != T.EOF) {
            throw p.err(t, ";");
        }
        return s;
    }

    /** Parses one expression (influxql {@code ParseExpr}). */
    public static Expr parseExpr(String text) {
        Parser p = new Parser(text);
        Expr e = p.expr();
        Tok t = p.next();
        if (t.type() != T.EOF) {
            throw p.err(t, "EOF");
        }
        return e;
    }

    // ---------------------------------------------------------------- token plumbing

    /** Next token, skipping whitespace and comments. */
    private Tok next() {
        while (true) {
            Tok t = lx.scan();
            if (t.type() == T.WS || t.type() == T.COMMENT) {
                continue;
            }
            if (t.type() == T.ILLEGAL && t.lit().isEmpty()) {
                throw InfluxQLException.syntax("unterminated comment at " + lx.where(t.pos()));
            }
            return t;
        }
    }

    /** Next raw token (whitespace included). */
    private Tok raw() {
        return lx.scan();
    }

    private void back(Tok t) {
        lx.reset(t.pos());
    }

    private Tok peek() {
        int p = lx.position();
        Tok t = next();
        lx.reset(p);
        return t;
    }

    private InfluxQLException err(Tok found, String... expected) {
        String f = switch (found.type()) {
            case BADSTRING, BADESCAPE, BADREGEX -> found.lit();
            default -> found.text();
        };
        if (found.type() == T.BADSTRING) {
            return InfluxQLException.syntax("unterminated string or identifier at " + lx.where(found.pos()));
        }
        if (found.type() == T.BADESCAPE) {
            return InfluxQLException.syntax("bad escape " + f + " at " + lx.where(found.pos()));
        }
        return InfluxQLException.syntax("found " + f + ", expected " + String.join(", ", expected) + " at "
                + lx.where(found.pos()));
    }

    private InfluxQLException notAllowed(String what) {
        return InfluxQLException.notAllowed(what + " statements are not allowed through the query gateway");
    }

    private void expectKeyword(String kw) {
        Tok t = next();
        if (!t.is(kw)) {
            throw err(t, kw);
        }
    }

    private void expect(T type, String name) {
        Tok t = next();
        if (t.type() != type) {
            throw err(t, name);
        }
    }

    private boolean acceptKeyword(String kw) {
        Tok t = next();
        if (t.is(kw)) {
            return true;
        }
        back(t);
        return false;
    }

    private String ident() {
        Tok t = next();
        if (t.type() != T.IDENT) {
            throw err(t, "identifier");
        }
        return t.lit();
    }

    // ---------------------------------------------------------------- statements

    private Statement statement() {
        Tok t = next();
        if (t.type() != T.KEYWORD) {
            throw err(t, STATEMENT_STARTS);
        }
        return switch (t.lit()) {
            case "SELECT" -> select(false);
            case "SHOW" -> show();
            case "DELETE" -> throw notAllowed("DELETE");
            case "CREATE" -> throw notAllowed("CREATE");
            case "DROP" -> throw notAllowed("DROP");
            case "EXPLAIN" -> throw notAllowed("EXPLAIN");
            case "GRANT" -> throw notAllowed("GRANT");
            case "REVOKE" -> throw notAllowed("REVOKE");
            case "ALTER" -> throw notAllowed("ALTER");
            case "SET" -> throw notAllowed("SET PASSWORD");
            case "KILL" -> throw notAllowed("KILL");
            default -> throw err(t, STATEMENT_STARTS);
        };
    }

    private Statement show() {
        Tok t = next();
        if (t.type() == T.KEYWORD) {
            switch (t.lit()) {
                case "DATABASES":
                    return new ShowDatabases();
                case "RETENTION": {
                    expectKeyword("POLICIES");
                    String db = "";
                    if (acceptKeyword("ON")) {
                        db = ident();
                    }
                    return new ShowRetentionPolicies(db);
                }
                case "MEASUREMENTS":
                    return showMeasurements();
                case "MEASUREMENT":
                    throw notAllowed("SHOW MEASUREMENT CARDINALITY");
                case "SERIES": {
                    Tok n = peek();
                    if (n.is("CARDINALITY") || n.is("EXACT")) {
                        throw notAllowed("SHOW SERIES CARDINALITY");
                    }
                    return showSeries();
                }
                case "TAG": {
                    Tok n = next();
                    if (n.is("KEYS")) {
                        return showTagKeys();
                    }
                    if (n.is("VALUES")) {
                        Tok m = peek();
                        if (m.is("CARDINALITY") || m.is("EXACT")) {
                            throw notAllowed("SHOW TAG VALUES CARDINALITY");
                        }
                        return showTagValues();
                    }
                    if (n.is("KEY")) {
                        throw notAllowed("SHOW TAG KEY CARDINALITY");
                    }
                    throw err(n, "KEYS", "VALUES");
                }
                case "FIELD": {
                    Tok n = next();
                    if (n.is("KEYS")) {
                        return showFieldKeys();
                    }
                    if (n.is("KEY")) {
                        throw notAllowed("SHOW FIELD KEY CARDINALITY");
                    }
                    throw err(n, "KEYS", "KEY");
                }
                case "CONTINUOUS":
                    throw notAllowed("SHOW CONTINUOUS QUERIES");
                case "DIAGNOSTICS":
                    throw notAllowed("SHOW DIAGNOSTICS");
                case "GRANTS":
                    throw notAllowed("SHOW GRANTS");
                case "QUERIES":
                    throw notAllowed("SHOW QUERIES");
                case "SHARD", "SHARDS":
                    throw notAllowed("SHOW SHARDS");
                case "STATS":
                    throw notAllowed("SHOW STATS");
                case "SUBSCRIPTIONS":
                    throw notAllowed("SHOW SUBSCRIPTIONS");
                case "USERS":
                    throw notAllowed("SHOW USERS");
                default:
                    break;
            }
        }
        throw err(t, "CONTINUOUS", "DATABASES", "DIAGNOSTICS", "FIELD", "GRANTS", "MEASUREMENT", "MEASUREMENTS",
                "QUERIES", "RETENTION", "SERIES", "SHARD", "SHARDS", "STATS", "SUBSCRIPTIONS", "TAG", "USERS");
    }

    private String onDatabase() {
        return acceptKeyword("ON") ? ident() : "";
    }

    private Statement showMeasurements() {
        String db = onDatabase();
        Measurement source = null;
        if (acceptKeyword("WITH")) {
            expectKeyword("MEASUREMENT");
            Tok op = next();
            if (op.type() == T.EQ) {
                source = measurementFromIdents(segmentedIdents(), null);
            } else if (op.type() == T.EQREGEX) {
                source = new Measurement("", "", null, regex());
            } else {
                throw err(op, "=", "=~");
            }
        }
        Expr cond = where();
        List<SortField> sort = orderBy();
        long limit = intClause("LIMIT");
        long offset = intClause("OFFSET");
        return new ShowMeasurements(db, source, cond, sort, limit, offset);
    }

    private Statement showSeries() {
        String db = onDatabase();
        List<Source> sources = acceptKeyword("FROM") ? sources(false) : List.of();
        Expr cond = where();
        List<SortField> sort = orderBy();
        long limit = intClause("LIMIT");
        long offset = intClause("OFFSET");
        return new ShowSeries(db, sources, cond, sort, limit, offset);
    }

    private Statement showTagKeys() {
        String db = onDatabase();
        List<Source> sources = acceptKeyword("FROM") ? sources(false) : List.of();
        Expr cond = where();
        List<SortField> sort = orderBy();
        long limit = intClause("LIMIT");
        long offset = intClause("OFFSET");
        long slimit = intClause("SLIMIT");
        long soffset = intClause("SOFFSET");
        return new ShowTagKeys(db, sources, cond, sort, limit, offset, slimit, soffset);
    }

    private Statement showTagValues() {
        String db = onDatabase();
        List<Source> sources = acceptKeyword("FROM") ? sources(false) : List.of();
        expectKeyword("WITH");
        expectKeyword("KEY");
        Tok op = next();
        String opText;
        List<Expr> keys = new ArrayList<>();
        switch (op.type()) {
            case EQ, NEQ -> {
                opText = op.type() == T.EQ ? "=" : "!=";
                keys.add(new VarRef(ident(), null));
            }
            case EQREGEX, NEQREGEX -> {
                opText = op.type() == T.EQREGEX ? "=~" : "!~";
                keys.add(regex());
            }
            case KEYWORD -> {
                if (!op.is("IN")) {
                    throw err(op, "=", "!=", "=~", "!~");
                }
                opText = "IN";
                expect(T.LPAREN, "(");
                keys.add(new VarRef(ident(), null));
                while (true) {
                    Tok t = next();
                    if (t.type() == T.COMMA) {
                        keys.add(new VarRef(ident(), null));
                    } else if (t.type() == T.RPAREN) {
                        break;
                    } else {
                        throw err(t, ",", ")");
                    }
                }
            }
            default -> throw err(op, "=", "!=", "=~", "!~");
        }
        Expr cond = where();
        List<SortField> sort = orderBy();
        long limit = intClause("LIMIT");
        long offset = intClause("OFFSET");
        return new ShowTagValues(db, sources, opText, keys, cond, sort, limit, offset);
    }

    private Statement showFieldKeys() {
        String db = onDatabase();
        List<Source> sources = acceptKeyword("FROM") ? sources(false) : List.of();
        List<SortField> sort = orderBy();
        long limit = intClause("LIMIT");
        long offset = intClause("OFFSET");
        return new ShowFieldKeys(db, sources, sort, limit, offset);
    }

    private Select select(boolean subquery) {
        List<Field> fields = fields();
        Tok t = next();
        if (t.is("INTO")) {
            throw InfluxQLException.notAllowed("SELECT ... INTO is not allowed through the query gateway");
        }
        if (!t.is("FROM")) {
            throw err(t, "FROM");
        }
        List<Source> sources = sources(true);
        Expr cond = where();
        List<Expr> dims = List.of();
        if (acceptKeyword("GROUP")) {
            expectKeyword("BY");
            dims = dimensions();
        }
        Fill fill = fill();
        List<SortField> sort = orderBy();
        long limit = intClause("LIMIT");
        long offset = intClause("OFFSET");
        long slimit = intClause("SLIMIT");
        long soffset = intClause("SOFFSET");
        String tz = location();
        return new Select(fields, sources, cond, dims, fill, sort, limit, offset, slimit, soffset, tz);
    }

    private List<Field> fields() {
        List<Field> out = new ArrayList<>();
        while (true) {
            Tok start = peek();
            Expr e = expr();
            checkSelectExpr(e, start);
            String alias = null;
            if (acceptKeyword("AS")) {
                alias = ident();
            }
            out.add(new Field(e, alias));
            Tok t = next();
            if (t.type() != T.COMMA) {
                back(t);
                return out;
            }
        }
    }

    private void checkSelectExpr(Expr e, Tok start) {
        switch (e) {
            case Binary b -> {
                if (b.op().isConditional()) {
                    throw InfluxQLException.syntax("invalid operator " + b.op().text + " in SELECT clause at "
                            + lx.where(start.pos()) + "; operator is intended for WHERE clause");
                }
                checkSelectExpr(b.lhs(), start);
                checkSelectExpr(b.rhs(), start);
            }
            case Paren p -> checkSelectExpr(p.expr(), start);
            case Call c -> c.args().forEach(a -> checkSelectExpr(a, start));
            default -> {
            }
        }
    }

    private List<Expr> dimensions() {
        List<Expr> out = new ArrayList<>();
        while (true) {
            out.add(expr());
            Tok t = next();
            if (t.type() != T.COMMA) {
                back(t);
                return out;
            }
        }
    }

    private Fill fill() {
        Tok t = next();
        if (t.type() != T.IDENT || !t.lit().equalsIgnoreCase("fill")) {
            back(t);
            return null;
        }
        back(t);
        Expr e = expr();
        if (!(e instanceof Call c)) {
            throw InfluxQLException.syntax("fill must be a function call");
        }
        if (c.args().size() != 1) {
            throw InfluxQLException.syntax("fill requires an argument, e.g.: 0, null, none, previous, linear");
        }
        Expr a = c.args().get(0);
        if (a instanceof VarRef v && v.type() == null) {
            String o = v.name().toLowerCase(Locale.ROOT);
            if (Set.of("null", "none", "previous", "linear").contains(o)) {
                return new Fill(o, null);
            }
        }
        if (a instanceof IntegerLit || a instanceof NumberLit || a instanceof UnsignedLit) {
            return new Fill("number", a);
        }
        throw InfluxQLException.syntax("expected number argument in fill()");
    }

    private String location() {
        Tok t = next();
        if (t.type() != T.IDENT || !t.lit().equalsIgnoreCase("tz")) {
            back(t);
            return null;
        }
        expect(T.LPAREN, "(");
        Tok s = next();
        if (s.type() != T.STRING) {
            throw err(s, "string");
        }
        expect(T.RPAREN, ")");
        try {
            ZoneId.of(s.lit());
        } catch (DateTimeException e) {
            throw InfluxQLException.syntax("unable to find time zone " + s.lit());
        }
        return s.lit();
    }

    private Expr where() {
        if (!acceptKeyword("WHERE")) {
            return null;
        }
        return expr();
    }

    private List<SortField> orderBy() {
        if (!acceptKeyword("ORDER")) {
            return List.of();
        }
        expectKeyword("BY");
        List<SortField> out = new ArrayList<>();
        Tok t = next();
        if (t.is("ASC") || t.is("DESC")) {
            out.add(new SortField(null, t.is("ASC")));
        } else if (t.type() == T.IDENT) {
            back(t);
            out.add(sortField());
        } else {
            throw err(t, "identifier", "ASC", "DESC");
        }
        while (true) {
            Tok c = next();
            if (c.type() != T.COMMA) {
                back(c);
                break;
            }
            Tok n = next();
            if (n.type() != T.IDENT) {
                throw err(n, "identifier");
            }
            back(n);
            out.add(sortField());
        }
        if (out.size() > 1 || (out.get(0).name() != null && !out.get(0).name().equals("time"))) {
            throw InfluxQLException.syntax("only ORDER BY time supported at this time");
        }
        return out;
    }

    private SortField sortField() {
        String name = ident();
        Tok t = next();
        if (t.is("ASC") || t.is("DESC")) {
            return new SortField(name, t.is("ASC"));
        }
        back(t);
        return new SortField(name, true);
    }

    private long intClause(String kw) {
        if (!acceptKeyword(kw)) {
            return 0;
        }
        Tok t = next();
        if (t.type() != T.INTEGER) {
            throw err(t, "integer");
        }
        try {
            long v = Long.parseLong(t.lit());
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw InfluxQLException.syntax("invalid " + kw + " value " + t.lit() + " at " + lx.where(t.pos()));
            }
            return v;
        } catch (NumberFormatException e) {
            throw InfluxQLException.syntax("unable to parse integer at " + lx.where(t.pos()));
        }
    }

    // ---------------------------------------------------------------- sources

    private List<Source> sources(boolean subqueries) {
        List<Source> out = new ArrayList<>();
        while (true) {
            out.add(source(subqueries));
            Tok t = next();
            if (t.type() != T.COMMA) {
                back(t);
                return out;
            }
        }
    }

    private Source source(boolean subqueries) {
        if (lx.peekRuneAfterWs() == '/') {
            skipWs();
            return new Measurement("", "", null, regex());
        }
        if (subqueries) {
            Tok t = next();
            if (t.type() == T.LPAREN) {
                expectKeyword("SELECT");
                Select s = select(true);
                expect(T.RPAREN, ")");
                return new SubQuery(s);
            }
            back(t);
        }
        List<String> idents = segmentedIdents();
        if (idents.size() == 3) {
            return measurementFromIdents(idents, null);
        }
        RegexLit re = null;
        if (lx.peekRune() == '/') {
            re = regex();
        }
        return measurementFromIdents(idents, re);
    }

    private Measurement measurementFromIdents(List<String> idents, RegexLit re) {
        return switch (idents.size()) {
            case 1 -> re != null ? new Measurement("", idents.get(0), null, re) : Measurement.named("", "", idents.get(0));
            case 2 -> re != null ? new Measurement(idents.get(0), idents.get(1), null, re)
                    : Measurement.named("", idents.get(0), idents.get(1));
            default -> Measurement.named(idents.get(0), idents.get(1), idents.get(2));
        };
    }

    private void skipWs() {
        while (Lexer.isWhitespace(lx.peekRune())) {
            raw();
        }
    }

    /** {@code a.b.c}, {@code a..c}, {@code a.b./re/} (the caller reads a regex after a trailing dot). */
    private List<String> segmentedIdents() {
        List<String> idents = new ArrayList<>();
        idents.add(ident());
        while (true) {
            if (lx.peekRune() != '.') {
                break;
            }
            raw();
            int ch = lx.peekRune();
            if (ch == '/' || ch == ':') {
                break;
            } else if (ch == '.') {
                idents.add("");
                continue;
            }
            idents.add(ident());
        }
        if (idents.size() > 3) {
            throw InfluxQLException.syntax("too many segments in " + String.join(".", idents));
        }
        return idents;
    }

    private RegexLit regex() {
        skipWs();
        if (lx.peekRune() != '/') {
            Tok t = next();
            throw err(t, "regex");
        }
        Tok t = lx.scanRegex();
        if (t.type() != T.REGEX) {
            throw InfluxQLException.syntax("unterminated regex at " + lx.where(t.pos()));
        }
        return checkedRegex(t.lit(), t);
    }

    private RegexLit checkedRegex(String pattern, Tok at) {
        if (pattern.endsWith("\\") && trailingBackslashes(pattern) % 2 == 1) {
            throw InfluxQLException.syntax("error parsing regexp: trailing backslash at end of expression");
        }
        try {
            java.util.regex.Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw InfluxQLException.syntax("error parsing regexp at " + lx.where(at.pos()) + ": " + e.getDescription());
        }
        return new RegexLit(pattern);
    }

    private static int trailingBackslashes(String s) {
        int n = 0;
        for (int k = s.length() - 1; k >= 0 && s.charAt(k) == '\\'; k--) {
            n++;
        }
        return n;
    }

    // ---------------------------------------------------------------- expressions

    private Expr expr() {
        Expr root = unary();
        while (true) {
            Tok t = next();
            Op op = operator(t);
            if (op == null) {
                back(t);
                return root;
            }
            Expr rhs = (op == Op.EQREGEX || op == Op.NEQREGEX) ? regex() : unary();
            root = insert(root, op, rhs);
        }
    }

    /** Upstream's tree building: descend the right spine while the operator there binds looser than {@code op}. */
    private static Expr insert(Expr node, Op op, Expr rhs) {
        if (node instanceof Binary b && b.op().precedence < op.precedence) {
            return new Binary(b.op(), b.lhs(), insert(b.rhs(), op, rhs));
        }
        return new Binary(op, node, rhs);
    }

    private static Op operator(Tok t) {
        return switch (t.type()) {
            case ADD -> Op.ADD;
            case SUB -> Op.SUB;
            case MUL -> Op.MUL;
            case DIV -> Op.DIV;
            case MOD -> Op.MOD;
            case BITWISE_AND -> Op.BITWISE_AND;
            case BITWISE_OR -> Op.BITWISE_OR;
            case BITWISE_XOR -> Op.BITWISE_XOR;
            case EQ -> Op.EQ;
            case NEQ -> Op.NEQ;
            case EQREGEX -> Op.EQREGEX;
            case NEQREGEX -> Op.NEQREGEX;
            case LT -> Op.LT;
            case LTE -> Op.LTE;
            case GT -> Op.GT;
            case GTE -> Op.GTE;
            case KEYWORD -> t.is("AND") ? Op.AND : t.is("OR") ? Op.OR : null;
            default -> null;
        };
    }

    private Expr unary() {
        skipWsAndComments();
        if (lx.peekRune() == '/') {
            return regex();
        }
        Tok t = next();
        switch (t.type()) {
            case LPAREN: {
                Expr e = expr();
                expect(T.RPAREN, ")");
                return new Paren(e);
            }
            case IDENT: {
                if (lx.peekRune() == '(') {
                    raw();
                    return call(t.lit());
                }
                back(t);
                return varRef();
            }
            case KEYWORD:
                if (t.is("DISTINCT")) {
                    Tok n = raw();
                    if (n.type() == T.LPAREN) {
                        return call("distinct");
                    }
                    if (n.type() == T.WS) {
                        Tok id = next();
                        if (id.type() != T.IDENT) {
                            throw err(id, "identifier");
                        }
                        return new Distinct(id.lit());
                    }
                    throw err(n, "(", "identifier");
                }
                if (t.is("TRUE") || t.is("FALSE")) {
                    return new BooleanLit(t.is("TRUE"));
                }
                throw err(t, "identifier", "string", "number", "bool");
            case STRING:
                return new StringLit(t.lit());
            case NUMBER: {
                double v;
                try {
                    v = Double.parseDouble(t.lit());
                } catch (NumberFormatException e) {
                    throw InfluxQLException.syntax("unable to parse number at " + lx.where(t.pos()));
                }
                if (Double.isInfinite(v) || Double.isNaN(v)) {
                    throw InfluxQLException.syntax("unable to parse number at " + lx.where(t.pos()));
                }
                return new NumberLit(v);
            }
            case INTEGER: {
                BigInteger v = new BigInteger(t.lit());
                if (v.bitLength() < 64) {
                    return new IntegerLit(v.longValueExact());
                }
                if (v.bitLength() == 64) {
                    return new UnsignedLit(v);
                }
                throw InfluxQLException.syntax("unable to parse integer at " + lx.where(t.pos()));
            }
            case DURATION:
                return new DurationLit(Durations.parse(t.lit()));
            case MUL: {
                if (lx.peekRune() == ':' ) {
                    Tok dc = raw();
                    if (dc.type() != T.DOUBLECOLON) {
                        back(dc);
                        return new Wildcard(null);
                    }
                    Tok ty = raw();
                    if (ty.is("FIELD") || ty.is("TAG")) {
                        return new Wildcard(ty.lit().toLowerCase(Locale.ROOT));
                    }
                    throw err(ty, "field", "tag");
                }
                return new Wildcard(null);
            }
            case BOUNDPARAM: {
                String name = t.lit().substring(1);
                if (name.isEmpty()) {
                    throw InfluxQLException.syntax("empty bound parameter");
                }
                return new BoundParam(name);
            }
            case ADD:
            case SUB: {
                int mul = t.type() == T.SUB ? -1 : 1;
                Tok n = next();
                switch (n.type()) {
                    case NUMBER, INTEGER, DURATION, LPAREN, IDENT -> {
                        back(n);
                        Expr e = unary();
                        return negate(e, mul);
                    }
                    default -> throw err(n, "identifier", "number", "duration", "(");
                }
            }
            case BADSTRING, BADESCAPE:
                throw err(t);
            default:
                throw err(t, "identifier", "string", "number", "bool");
        }
    }

    private static Expr negate(Expr e, int mul) {
        return switch (e) {
            case NumberLit n -> new NumberLit(n.value() * mul);
            case IntegerLit n -> new IntegerLit(n.value() * mul);
            case UnsignedLit u -> {
                if (mul == -1) {
                    if (u.value().equals(BigInteger.ONE.shiftLeft(63))) {
                        yield new IntegerLit(Long.MIN_VALUE);
                    }
                    throw InfluxQLException.syntax("constant -" + u.value() + " underflows int64");
                }
                yield u;
            }
            case DurationLit d -> new DurationLit(d.nanos() * mul);
            case VarRef v -> new Binary(Op.MUL, new IntegerLit(mul), v);
            case Call c -> new Binary(Op.MUL, new IntegerLit(mul), c);
            case Paren p -> new Binary(Op.MUL, new IntegerLit(mul), p);
            default -> throw InfluxQLException.syntax("unexpected operand of unary minus");
        };
    }

    private void skipWsAndComments() {
        while (true) {
            int p = lx.position();
            Tok t = raw();
            if (t.type() == T.WS || t.type() == T.COMMENT) {
                continue;
            }
            lx.reset(p);
            return;
        }
    }

    private Expr call(String name) {
        List<Expr> args = new ArrayList<>();
        Tok t = next();
        if (t.type() == T.RPAREN) {
            return new Call(name, args);
        }
        back(t);
        while (true) {
            args.add(expr());
            Tok s = next();
            if (s.type() == T.RPAREN) {
                return new Call(name, args);
            }
            if (s.type() != T.COMMA) {
                throw err(s, ",", ")");
            }
        }
    }

    private Expr varRef() {
        List<String> segs = segmentedIdents();
        String type = null;
        if (lx.peekRune() == ':') {
            Tok dc = raw();
            if (dc.type() != T.DOUBLECOLON) {
                back(dc);
            } else {
                Tok ty = raw();
                if (ty.type() == T.IDENT && CAST_TYPES.contains(ty.lit().toLowerCase(Locale.ROOT))) {
                    type = ty.lit().toLowerCase(Locale.ROOT);
                } else if (ty.is("FIELD") || ty.is("TAG")) {
                    type = ty.lit().toLowerCase(Locale.ROOT);
                } else {
                    throw err(ty, "float", "integer", "unsigned", "string", "boolean", "field", "tag");
                }
            }
        }
        return new VarRef(String.join(".", segs), type);
    }

    String text() {
        return text;
    }
}
