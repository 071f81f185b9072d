package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.outbox.ChannelName;
import org.junit.jupiter.api.Test;

/** The registry finds each channel's class by its name: adding a channel is its class and its line in ChannelName. */
class ChannelsTest {
    @Test
    void everyChannelNameHasItsClass() {
        for (ChannelName name : ChannelName.values()) {
            assertThat(Channels.factory(name)).as(name.id()).isNotNull();
        }
        assertThat(Channels.className(ChannelName.SMS)).isEqualTo("io.opsrouter.notify.channel.SmsChannel");
        assertThat(Channels.className(ChannelName.WEBHOOK)).isEqualTo("io.opsrouter.notify.channel.WebhookChannel");
    }

    @Test
    void aNameWithoutItsClassSaysWhatIsMissing() {
        assertThatThrownBy(() -> Channels.load("pager", "io.opsrouter.notify.channel.PagerChannel"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("channel 'pager' has no class io.opsrouter.notify.channel.PagerChannel"
                        + " with a public static Optional<Channel> configure(ChannelSetup)");
    }

    @Test
    void aClassThatIsNotAChannelIsRefused() {
        assertThatThrownBy(() -> Channels.load("odd", ChannelSetup.class.getName()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(ChannelSetup.class.getName() + " does not implement " + Channel.class.getName());
    }
}
