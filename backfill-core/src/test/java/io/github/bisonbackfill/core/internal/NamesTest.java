package io.github.bisonbackfill.core.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "Dana Ortiz|Dana|Ortiz",
            "'Ortiz, Dana'|Dana|Ortiz",
            "'  Ortiz ,  Dana  '|Dana|Ortiz",
            "'Dana Ortiz, Jr.'|Dana|'Ortiz, Jr.'",
            "'Dana Ortiz, PhD'|Dana|'Ortiz, PhD'",
            "Juan de la Cruz|Juan|de la Cruz",
            "Madonna|Madonna|NULL",
            "'\"Dana Ortiz\"'|Dana|Ortiz",
            "'Ortiz,'|Ortiz|NULL",
            "'\u00A0Zoë\u00A0\u00A0Ångström '|Zoë|Ångström",
            "dana@x.io|NULL|NULL",
            "'   '|NULL|NULL",
            "NULL|NULL|NULL",
    })
    void split(String in, String first, String last) {
        Names.Split s = Names.split(in);
        assertThat(s.first()).isEqualTo(first);
        assertThat(s.last()).isEqualTo(last);
    }
}
