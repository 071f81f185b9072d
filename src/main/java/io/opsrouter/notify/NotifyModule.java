package io.opsrouter.notify;

import io.opsrouter.app.Beans;
import io.opsrouter.app.HealthPart;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import io.opsrouter.config.ConfigReload;
import io.opsrouter.notify.channel.HttpPost;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.DeadLetters;
import io.opsrouter.outbox.DigestFolding;
import io.opsrouter.outbox.OutboxQueue;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notification channels and the outbox dispatcher: validates the channel settings and templates, binds
 * {@code notifyDispatcher} and {@code channelDirectory}, and adds one delivery route per channel from the
 * {@code notify-channel} template in {@code routes/notify.yaml}.
 */
public final class NotifyModule implements RouterModule {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyModule.class);
    public static final String CHANNEL_TEMPLATE = "notify-channel";

    private OutboxDispatcher dispatcher;
    private HttpPost http;
    private RouterContext ctx;
    private ConfigReload templateReload;

    @Override
    public String name() {
        return "notify";
    }

    public static String queueUri(ChannelName channel) {
        return "seda:notify-" + channel
                + "?size=1&discardWhenFull=true&discardIfNoConsumers=true&waitForTaskToComplete=Never";
    }

    @Override
    public void configure(RouterContext ctx, Beans beans) {
        DispatchSettings d = DispatchSettings.from(ctx.settings());
        http = new HttpPost(d.sendTimeout()).start();
        List<Channel> channels = Channels.configure(new ChannelSetup(ctx.settings(), ctx.core(), d, http, ctx.clock()));
        this.ctx = ctx;
        MessageTemplates templates = MessageTemplates.load(ctx.core().home());
        templateReload = new ConfigReload(
                "templates",
                MessageTemplates.DIR,
                List.of(ctx.core().home().resolve(MessageTemplates.DIR)),
                () -> {
                    templates.replaceWith(MessageTemplates.load(ctx.core().home()));
                    return "templates in force";
                },
                ctx.metrics().registry());
        dispatcher = new OutboxDispatcher(
                new OutboxQueue(ctx.store(), ctx.replicas().id()),
                channels,
                templates,
                d,
                ctx.clock(),
                ctx.metrics().registry(),
                ctx.health().watchdog()::part);
        beans.bind(OutboxDispatcher.BEAN, dispatcher);
        beans.bind(
                OutboxRetention.BEAN,
                new OutboxRetention(
                        ctx.store(), d.retention(), ctx.clock(), ctx.metrics().registry()));
        beans.bind(ChannelDirectory.BEAN, dispatcher);
        DeadLetters dead = new DeadLetters(ctx.store());
        beans.bind(NotificationsResource.BEAN, new NotificationsResource(dead, ctx.clock()));
        DeliveryMeters.registerDead(ctx.metrics().registry(), dead, List.of(ChannelName.values()));
        beans.bind(
                DigestFolder.BEAN,
                new DigestFolder(
                        new DigestFolding(ctx.store()),
                        DigestFolder.perMinute(d),
                        ctx.core().publicUrl() + "/api/alerts?status=firing",
                        DigestFolder.interval(ctx.settings()),
                        ctx.clock(),
                        ctx.metrics().registry()));
        for (ChannelState s : dispatcher.states().values()) {
            ctx.health().register("channel-" + s.name().id(), s.health::health);
        }
        ctx.health().register("templates", () -> HealthPart.up("templates", templateReload.health("loaded")));
        LOG.info("notification channels: {}", dispatcher.channelNames());
    }

    @Override
    public void started(CamelContext camel) throws Exception {
        templateReload.start(ConfigReload.interval(ctx.settings()));
        if (((org.apache.camel.model.ModelCamelContext) camel).getRouteTemplateDefinition(CHANNEL_TEMPLATE) == null) {
            String problem = "routes/notify.yaml with the route template '" + CHANNEL_TEMPLATE
                    + "' is missing: notifications are not delivered (restore routes/notify.yaml)";
            // with a real channel configured this is a deployment that must deliver; with only the log channel
            // (a bare test home, a first try) the outbox keeps the notifications until the file is back
            if (dispatcher.channelNames().size() > 1) throw new IllegalStateException(problem);
            LOG.warn(problem);
            return;
        }
        for (ChannelName channel : dispatcher.channelNames()) {
            TemplatedRouteBuilder.builder(camel, CHANNEL_TEMPLATE)
                    .routeId("notify-" + channel.id())
                    .parameter("channel", channel.id())
                    .add();
        }
        dispatcher.start(camel);
        ctx.replicas().onChange(() -> dispatcher.claimsOfGoneReplicasDueNow(ctx.replicas()::live));
    }

    @Override
    public void stop() {
        if (templateReload != null) templateReload.stop();
        if (dispatcher != null) dispatcher.stop();
        if (http != null) http.close();
    }

    public OutboxDispatcher dispatcher() {
        return dispatcher;
    }
}
