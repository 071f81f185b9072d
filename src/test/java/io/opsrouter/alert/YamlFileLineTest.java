package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A refused value's error names the line its key is on in the shipped file, in block and flow style. */
class YamlFileLineTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            people.primary.phone            | 11 | phone: ${ONCALL_PRIMARY_PHONE
            people.secondary.email          | 16 | email: ${ONCALL_SECONDARY_EMAIL
            rotation.members                | 20 | members: [primary]
            secondary                       | 25 | secondary: secondary
            businessHours.zone              | 31 | zone: ${BUSINESS_HOURS_ZONE
            policies.P1.steps[1].after      | 40 | after: ${ESCALATION_P1_DELAY:-5m}
            policies.P1.steps[1].notify[0].to | 42 | {channel: sms, to: secondary}
            policies.P2.steps[0].notify[2].channel | 53 | {channel: sms, to: primary, businessHoursOnly: true}
            policies.P3.steps               | 59 | steps:
            policies.P1.repeat              | 47 | repeat: 15m
            nothing.here                    | 0  |
            """)
    void findsTheLineOfAKey(String key, int line, String text) throws Exception {
        String file = Files.readString(Path.of("config/escalation.yaml"));
        assertThat(YamlFile.lineOf(file, key)).isEqualTo(line);
        if (line > 0) assertThat(file.split("\\R")[line - 1]).contains(text);
    }
}
