package io.opsrouter.backup;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A folder copied into archives: its entry name under {@code files/}, where it is, which backup types take it,
 * whether text is masked for secrets, how old a file may be (0 = any) and glob patterns left out.
 */
public record FolderSpec(
        String name, Path path, Set<BackupType> types, boolean mask, int maxAgeDays, List<String> exclude) {}
