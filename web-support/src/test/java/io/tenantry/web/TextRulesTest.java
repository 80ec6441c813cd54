package io.tenantry.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextRulesTest {
    @Test
    void controlsAndLoneSurrogatesAreRefusedPrintableUnicodeIsNot() {
        assertThat(TextRules.isPrintable("Linie Süd ✓ 𝔘 \"quoted\" \\ , = #")).isTrue();
        for (String bad : new String[]{"a\u0000", "a\tb", "a\rb", "a\nb", "\u001b[31m", "x\u007f", "x\u0085", "x\u009f", "x\ud800", "\udc00x"}) {
            assertThat(TextRules.isPrintable(bad)).as(bad).isFalse();
        }
    }
}
