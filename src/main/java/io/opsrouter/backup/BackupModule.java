package io.opsrouter.backup;

import io.opsrouter.alert.Signal;
import io.opsrouter.app.Beans;
import io.opsrouter.app.HealthPart;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Backups: validates {@code config/backups.yaml} and binds {@code backupService}, which {@code routes/backups.yaml} calls on its crons. */
public final class BackupModule implements RouterModule {
    private static final Logger LOG = LoggerFactory.getLogger(BackupModule.class);
    private BackupService service;
    private ProducerTemplate producer;

    @Override
    public String name() {
        return "backup";
    }

    /** Folders are optional (a deployment without a front end has no frontend/dist): a missing one is noted, not warned. */
    static void missingFolders(BackupSettings settings) {
        for (FolderSpec f : settings.folders()) {
            if (!java.nio.file.Files.isDirectory(f.path())) {
                LOG.info(
                        "{}: folders.{}: {} does not exist; backups skip it and list it as missing",
                        BackupSettings.FILE,
                        f.name(),
                        f.path());
            }
        }
    }

    @Override
    public void configure(RouterContext ctx, Beans beans) {
        BackupSettings settings =
                BackupSettings.load(ctx.settings().home(), ctx.core().dataDir());
        missingFolders(settings);
        if (ArchiveSigning.fromEnv(ctx.env()).isEmpty()) {
            LOG.warn(
                    "{} is not set: backups are written unsigned, and verify and restore will refuse them unless given --accept-unsigned",
                    ArchiveSigning.ENV);
        }
        service = new BackupService(
                settings,
                ctx.env(),
                new Catalogue(ctx.store()),
                ctx.metrics().registry(),
                s -> LOG.error("backup signal before the routes started: {} {}", s.labels(), s.state()),
                ctx.clock(),
                ctx.version());
        service.leases(new io.opsrouter.store.Leases(
                ctx.store(), hostName() + ":" + ProcessHandle.current().pid()));
        beans.bind(BackupService.BEAN, service);
        ctx.health().register("backup", () -> HealthPart.up("backup", "output " + settings.output()));
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }

    @Override
    public void started(CamelContext camel) {
        producer = camel.createProducerTemplate();
        service.signals(s -> producer.sendBody(Signal.ENDPOINT, s));
    }

    @Override
    public void stop() {
        if (producer != null) {
            try {
                producer.stop();
            } catch (RuntimeException e) {
                LOG.debug("stopping the backup producer: {}", e.getMessage());
            }
        }
    }
}
