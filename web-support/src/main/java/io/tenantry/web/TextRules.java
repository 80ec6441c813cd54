package io.tenantry.web;

/**
 * Which characters free-text inputs may hold. PostgreSQL {@code text} cannot store NUL (it answers an error, which
 * used to surface as 500), InfluxQL cannot quote CR/LF in identifiers, and control characters in names, tag values
 * or versions only serve to forge log lines, CSV rows or look-alike names. So every free-text field the API stores
 * or passes on is refused (400, naming the field) when it holds:
 * <ul>
 *   <li>a C0 control (U+0000..U+001F, including NUL, TAB, CR, LF), DEL (U+007F) or a C1 control (U+0080..U+009F);</li>
 *   <li>an unpaired UTF-16 surrogate (not a Unicode scalar value, cannot be encoded as UTF-8).</li>
 * </ul>
 */
public final class TextRules {
    private TextRules() {
    }

    /** True when {@code s} holds none of the characters listed in the class comment. */
    public static boolean isPrintable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The message used in field errors for {@link #isPrintable} failures. */
    public static final String MESSAGE = "must not contain control characters (NUL, CR, LF, TAB, U+007F-U+009F) or unpaired surrogates";
}
