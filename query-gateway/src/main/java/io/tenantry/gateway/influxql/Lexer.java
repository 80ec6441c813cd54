package io.tenantry.gateway.influxql;

import java.util.Locale;
import java.util.Set;

/**
 * InfluxQL's scanner, mirroring influxql v1.0.0 {@code scanner.go}: whitespace is space, tab, CR, LF only; bare
 * identifiers {@code [A-Za-z_][A-Za-z0-9_]*} (a keyword when it spells one, case-insensitively); {@code "quoted"}
 * identifiers and {@code 'strings'} with the escapes {@code \n \\ \" \'} (anything else after a backslash is a bad
 * escape, a raw newline a bad string); numbers without exponent, integers, durations ({@code 10s}, {@code 1h30m});
 * {@code $param}; comments {@code -- …} and {@code /* … *}{@code /} (skipped); regexes only where the parser asks
 * ({@link #scanRegex()}: {@code \/} is a slash, every other escape passes through). Works on Unicode code points;
 * positions are code-point offsets.
 */
final class Lexer {
    enum T {
        EOF, ILLEGAL, WS, COMMENT, IDENT, KEYWORD, BOUNDPARAM, NUMBER, INTEGER, DURATION, STRING, BADSTRING, BADESCAPE,
        BADREGEX, REGEX,
        ADD, SUB, MUL, DIV, MOD, BITWISE_AND, BITWISE_OR, BITWISE_XOR,
        EQ, NEQ, EQREGEX, NEQREGEX, LT, LTE, GT, GTE,
        LPAREN, RPAREN, COMMA, SEMICOLON, DOT, DOUBLECOLON, COLON
    }

    /** influxql v1.0.0's keywords (token.go), upper case. */
    static final Set<String> KEYWORDS = Set.of("ALL", "ALTER", "AND", "ANALYZE", "ANY", "AS", "ASC", "BEGIN", "BY",
            "CARDINALITY", "CREATE", "CONTINUOUS", "DATABASE", "DATABASES", "DEFAULT", "DELETE", "DESC",
            "DESTINATIONS", "DIAGNOSTICS", "DISTINCT", "DROP", "DURATION", "END", "EVERY", "EXACT", "EXPLAIN", "FALSE",
            "FIELD", "FOR", "FROM", "GRANT", "GRANTS", "GROUP", "GROUPS", "IN", "INF", "INSERT", "INTO", "KEY", "KEYS",
            "KILL", "LIMIT", "MEASUREMENT", "MEASUREMENTS", "NAME", "OFFSET", "ON", "OR", "ORDER", "PASSWORD",
            "POLICIES", "POLICY", "PRIVILEGES", "QUERIES", "QUERY", "READ", "REPLICATION", "RESAMPLE", "RETENTION",
            "REVOKE", "SELECT", "SERIES", "SET", "SHARD", "SHOW", "SHARDS", "SLIMIT", "SOFFSET", "STATS", "SUBSCRIPTION",
            "SUBSCRIPTIONS", "TAG", "TO", "TRUE", "USER", "USERS", "VALUES", "WHERE", "WITH", "WRITE");

    /**
     * One token: {@code lit} is the identifier's name, the string's value, the number's text or the keyword in upper
     * case; {@code pos} its code-point offset.
     */
    record Tok(T type, String lit, int pos) {
        boolean is(String keyword) {
            return type == T.KEYWORD && lit.equals(keyword);
        }

        /** The token as upstream's error messages name it. */
        String text() {
            return switch (type) {
                case EOF -> "EOF";
                case KEYWORD -> lit;
                case ADD -> "+";
                case SUB -> "-";
                case MUL -> "*";
                case DIV -> "/";
                case MOD -> "%";
                case BITWISE_AND -> "&";
                case BITWISE_OR -> "|";
                case BITWISE_XOR -> "^";
                case EQ -> "=";
                case NEQ -> "!=";
                case EQREGEX -> "=~";
                case NEQREGEX -> "!~";
                case LT -> "<";
                case LTE -> "<=";
                case GT -> ">";
                case GTE -> ">=";
                case LPAREN -> "(";
                case RPAREN -> ")";
                case COMMA -> ",";
                case SEMICOLON -> ";";
                case DOT -> ".";
                case DOUBLECOLON -> "::";
                case COLON -> ":";
                default -> lit;
            };
        }
    }

    private final int[] cp;
    private int i;
    private boolean eofConsumed;

    Lexer(String text) {
        this.cp = text.codePoints().toArray();
    }

    int position() {
        return i;
    }

    void reset(int pos) {
        i = pos;
        eofConsumed = false;
    }

    /** Line and character (both 1-based) of a code-point offset, as upstream prints them. */
    String where(int pos) {
        int line = 0;
        int ch = 0;
        for (int k = 0; k < pos && k < cp.length; k++) {
            if (cp[k] == '\n' || cp[k] == '\r') {
                if (cp[k] == '\r' && k + 1 < cp.length && cp[k + 1] == '\n') {
                    k++;
                }
                line++;
                ch = 0;
            } else {
                ch++;
            }
        }
        if (pos > cp.length) {
            ch += pos - cp.length;
        }
        return "line " + (line + 1) + ", char " + (ch + 1);
    }

    int peekRune() {
        return i < cp.length ? cp[i] : -1;
    }

    /** The first code point after whitespace (not consumed), -1 at the end. */
    int peekRuneAfterWs() {
        int k = i;
        while (k < cp.length && isWhitespace(cp[k])) {
            k++;
        }
        return k < cp.length ? cp[k] : -1;
    }

    private int read() {
        if (i >= cp.length) {
            eofConsumed = true;
            i = cp.length;
            return -1;
        }
        return cp[i++];
    }

    static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    static boolean isLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isIdentChar(int c) {
        return isLetter(c) || isDigit(c) || c == '_';
    }

    /** The next token, whitespace and comments included. */
    Tok scan() {
        int start = i;
        if (i >= cp.length) {
            return new Tok(T.EOF, "", eofConsumed ? cp.length + 1 : cp.length);
        }
        int c = cp[i];
        if (isWhitespace(c)) {
            while (i < cp.length && isWhitespace(cp[i])) {
                i++;
            }
            if (i >= cp.length) {
                eofConsumed = true;
            }
            return new Tok(T.WS, " ", start);
        }
        if (isLetter(c) || c == '_' || c == '"') {
            return scanIdent(true);
        }
        if (isDigit(c)) {
            return scanNumber();
        }
        i++;
        switch (c) {
            case '\'':
                i = start;
                return scanString(T.STRING);
            case '.':
                if (i < cp.length && isDigit(cp[i])) {
                    i = start;
                    return scanNumber();
                }
                return new Tok(T.DOT, "", start);
            case '$': {
                Tok id = scanIdent(false);
                if (id.type() != T.IDENT) {
                    return new Tok(id.type(), "$" + id.lit(), start);
                }
                return new Tok(T.BOUNDPARAM, "$" + id.lit(), start);
            }
            case '+':
                return new Tok(T.ADD, "", start);
            case '-':
                if (i < cp.length && cp[i] == '-') {
                    while (true) {
                        int r = read();
                        if (r == '\n' || r == '\r' || r == -1) {
                            break;
                        }
                    }
                    return new Tok(T.COMMENT, "", start);
                }
                return new Tok(T.SUB, "", start);
            case '*':
                return new Tok(T.MUL, "", start);
            case '/':
                if (i < cp.length && cp[i] == '*') {
                    i++;
                    while (true) {
                        int r = read();
                        if (r == -1) {
                            return new Tok(T.ILLEGAL, "", start);
                        }
                        if (r == '*' && i < cp.length && cp[i] == '/') {
                            i++;
                            return new Tok(T.COMMENT, "", start);
                        }
                    }
                }
                return new Tok(T.DIV, "", start);
            case '%':
                return new Tok(T.MOD, "", start);
            case '&':
                return new Tok(T.BITWISE_AND, "", start);
            case '|':
                return new Tok(T.BITWISE_OR, "", start);
            case '^':
                return new Tok(T.BITWISE_XOR, "", start);
            case '=':
                if (i < cp.length && cp[i] == '~') {
                    i++;
                    return new Tok(T.EQREGEX, "", start);
                }
                return new Tok(T.EQ, "", start);
            case '!':
                if (i < cp.length && cp[i] == '=') {
                    i++;
                    return new Tok(T.NEQ, "", start);
                }
                if (i < cp.length && cp[i] == '~') {
                    i++;
                    return new Tok(T.NEQREGEX, "", start);
                }
                return new Tok(T.ILLEGAL, "!", start);
            case '>':
                if (i < cp.length && cp[i] == '=') {
                    i++;
                    return new Tok(T.GTE, "", start);
                }
                return new Tok(T.GT, "", start);
            case '<':
                if (i < cp.length && cp[i] == '=') {
                    i++;
                    return new Tok(T.LTE, "", start);
                }
                if (i < cp.length && cp[i] == '>') {
                    i++;
                    return new Tok(T.NEQ, "", start);
                }
                return new Tok(T.LT, "", start);
            case '(':
                return new Tok(T.LPAREN, "", start);
            case ')':
                return new Tok(T.RPAREN, "", start);
            case ',':
                return new Tok(T.COMMA, "", start);
            case ';':
                return new Tok(T.SEMICOLON, "", start);
            case ':':
                if (i < cp.length && cp[i] == ':') {
                    i++;
                    return new Tok(T.DOUBLECOLON, "", start);
                }
                return new Tok(T.COLON, "", start);
            default:
                return new Tok(T.ILLEGAL, new String(Character.toChars(c)), start);
        }
    }

    /** Bare and quoted identifiers, upstream's way: a quote inside the loop ends the token with the quoted text. */
    private Tok scanIdent(boolean lookup) {
        int start = i;
        StringBuilder buf = new StringBuilder();
        while (true) {
            if (i >= cp.length) {
                eofConsumed = true;
                break;
            }
            int c = cp[i];
            if (c == '"') {
                Tok s = scanString(T.IDENT);
                if (s.type() == T.BADSTRING || s.type() == T.BADESCAPE) {
                    return s;
                }
                return new Tok(T.IDENT, s.lit(), start);
            } else if (isIdentChar(c)) {
                while (i < cp.length && isIdentChar(cp[i])) {
                    buf.appendCodePoint(cp[i++]);
                }
            } else {
                break;
            }
        }
        String lit = buf.toString();
        if (lookup) {
            String up = lit.toUpperCase(Locale.ROOT);
            if (KEYWORDS.contains(up)) {
                return new Tok(up.equals("TRUE") || up.equals("FALSE") ? T.KEYWORD : T.KEYWORD, up, start);
            }
        }
        return new Tok(T.IDENT, lit, start);
    }

    /** A quoted string or identifier starting at the quote under the cursor. */
    private Tok scanString(T ok) {
        int start = i;
        int ending = cp[i++];
        StringBuilder buf = new StringBuilder();
        while (true) {
            int c = read();
            if (c == ending) {
                return new Tok(ok, buf.toString(), start);
            }
            if (c == -1 || c == '\n' || c == '\r') {
                return new Tok(T.BADSTRING, buf.toString(), start);
            }
            if (c == '\\') {
                int c1 = read();
                switch (c1) {
                    case 'n' -> buf.append('\n');
                    case '\\' -> buf.append('\\');
                    case '"' -> buf.append('"');
                    case '\'' -> buf.append('\'');
                    default -> {
                        return new Tok(T.BADESCAPE, "\\" + (c1 == -1 ? "" : new String(Character.toChars(c1))), i);
                    }
                }
            } else {
                buf.appendCodePoint(c);
            }
        }
    }

    private Tok scanNumber() {
        int start = i;
        StringBuilder buf = new StringBuilder();
        while (i < cp.length && isDigit(cp[i])) {
            buf.appendCodePoint(cp[i++]);
        }
        boolean decimal = false;
        if (i < cp.length && cp[i] == '.') {
            decimal = true;
            i++;
            if (i < cp.length && isDigit(cp[i])) {
                buf.append('.');
                while (i < cp.length && isDigit(cp[i])) {
                    buf.appendCodePoint(cp[i++]);
                }
            }
        }
        if (!decimal) {
            if (i < cp.length && (isLetter(cp[i]) || cp[i] == 'µ')) {
                while (i < cp.length && (isLetter(cp[i]) || cp[i] == 'µ')) {
                    buf.appendCodePoint(cp[i++]);
                }
                while (i < cp.length && (isLetter(cp[i]) || cp[i] == 'µ' || isDigit(cp[i]))) {
                    buf.appendCodePoint(cp[i++]);
                }
                return new Tok(T.DURATION, buf.toString(), start);
            }
            return new Tok(T.INTEGER, buf.toString(), start);
        }
        if (buf.isEmpty() || buf.charAt(0) == '.') {
            buf.insert(0, '0');
        }
        return new Tok(T.NUMBER, buf.toString(), start);
    }

    /** A regex {@code /…/} at the cursor (the parser has checked the slash): {@code \/} → {@code /}. */
    Tok scanRegex() {
        int start = i;
        i++;
        StringBuilder buf = new StringBuilder();
        while (true) {
            int c = read();
            if (c == '/') {
                return new Tok(T.REGEX, buf.toString(), start);
            }
            if (c == -1 || c == '\n' || c == '\r') {
                return new Tok(T.BADREGEX, buf.toString(), start);
            }
            if (c == '\\') {
                if (i < cp.length && cp[i] == '/') {
                    i++;
                    buf.append('/');
                } else {
                    buf.append('\\');
                }
            } else {
                buf.appendCodePoint(c);
            }
        }
    }
}
