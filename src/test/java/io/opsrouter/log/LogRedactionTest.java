package io.opsrouter.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogRedactionTest {
    @Test
    void credentialsWebhookPathsAndUrlPasswordsAreMasked() {
        assertThat(LogRedaction.redact("http-outgoing-0 >> Authorization: Basic QUMwMTIzOnR3aWxpby10b2tlbg=="))
                .isEqualTo("http-outgoing-0 >> Authorization: Basic ***");
        assertThat(LogRedaction.redact(
                        "http-outgoing-0 >> \"Authorization: Bearer " + "xoxb" + "-1234-5678-abcdefgh[\\r][\\n]\""))
                .doesNotContain("xoxb-1234")
                .doesNotContain("abcdefgh");
        assertThat(LogRedaction.redact("POST https://hooks.slack.com/services/T000/B000/XXXXsecret failed"))
                .isEqualTo("POST https://hooks.slack.com/services/*** failed");
        assertThat(LogRedaction.redact("{\"message\":\"connecting to postgres://router:pw-secret@db:5432/ops\"}"))
                .isEqualTo("{\"message\":\"connecting to postgres://router:***@db:5432/ops\"}");
        assertThat(LogRedaction.redact("GET /ping?token=abc123secret&x=1")).isEqualTo("GET /ping?token=***&x=1");
        assertThat(LogRedaction.redact("token " + "xoxp" + "-0000-1111-secret")).isEqualTo("token xoxp-***");
        String plain = "backup full written: /srv/ops/full.zip (1234 bytes, 99 rows)";
        assertThat(LogRedaction.redact(plain)).isSameAs(plain);
    }

    @Test
    void eachRuleStillMatchesInAnyCaseThoughMostLinesSkipItsSearch() {
        assertThat(LogRedaction.redact("AUTHORIZATION: BASIC QUMwMTIzOnR3aWxpby10b2tlbg=="))
                .isEqualTo("AUTHORIZATION: BASIC ***");
        assertThat(LogRedaction.redact("header BeArEr abcdefgh12345678")).isEqualTo("header BeArEr ***");
        assertThat(LogRedaction.redact("GET /x;API_KEY=s3cret")).isEqualTo("GET /x;API_KEY=***");
        assertThat(LogRedaction.containsIgnoreCase("x-Authorization", "authorization"))
                .isTrue();
        assertThat(LogRedaction.containsIgnoreCase("autho", "authorization")).isFalse();
        String delivered =
                "webhook delivered firing P3 bk500251 #mxct3ssw-2c5e to webhook (attempt 1, fire:4a08:1:webhook:-)";
        assertThat(LogRedaction.redact(delivered)).isSameAs(delivered);
    }
}
