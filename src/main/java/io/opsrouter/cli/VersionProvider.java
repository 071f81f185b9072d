package io.opsrouter.cli;

import io.opsrouter.app.Version;
import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"ops-router " + Version.get()};
    }
}
