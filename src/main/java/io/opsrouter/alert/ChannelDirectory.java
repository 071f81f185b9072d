package io.opsrouter.alert;

/**
 * Which notification channels are configured, so the alert pipeline addresses only channels that can
 * deliver. Bound in Camel's registry as {@code channelDirectory}.
 */
public interface ChannelDirectory {
    boolean enabled(String channel);
}
