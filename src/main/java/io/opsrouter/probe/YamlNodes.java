package io.opsrouter.probe;

import io.opsrouter.config.SettingsException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads SnakeYAML nodes keeping their line numbers, so that an error can point at the line. */
public final class YamlNodes {
    private YamlNodes() {}

    /** Reads {@code relative} under {@code home} with {@code parse}; a missing file means an empty list. */
    public static <T> List<T> load(Path home, String relative, BiFunction<String, Reader, List<T>> parse) {
        Path p = home.resolve(relative);
        if (!Files.isRegularFile(p)) return List.of();
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            return parse.apply(relative, r);
        } catch (IOException e) {
            throw new SettingsException(
                    relative, null, "cannot be read: " + e.getMessage(), "check the file exists and is readable");
        }
    }

    /** The document's root node, keeping line numbers; null for an empty document; bad YAML names {@code file}. */
    public static Node compose(String file, Reader reader) {
        try {
            return new Compose(LoadSettings.builder().setLabel(file).build())
                    .composeReader(reader)
                    .orElse(null);
        } catch (YamlEngineException e) {
            throw new SettingsException(
                    file,
                    null,
                    "is not valid YAML: " + e.getMessage().replaceAll("\\s+", " "),
                    "fix the YAML syntax at the line shown");
        }
    }

    public static int line(Node n) {
        return n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    /** The keys of a mapping in file order; null when the node is not a mapping; a repeated key is an error. */
    public static Map<String, Node> mapping(Node n) {
        if (!(n instanceof MappingNode m)) return null;
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(t.getKeyNode());
            if (out.put(key, t.getValueNode()) != null) {
                throw new IllegalArgumentException("line " + line(t.getKeyNode()) + ": " + key + " appears twice");
            }
        }
        return out;
    }

    public static List<Node> sequence(Node n) {
        return n instanceof SequenceNode s ? s.getValue() : null;
    }

    /** A scalar's text; null for a YAML null or a non-scalar. */
    public static String scalar(Node n) {
        if (!(n instanceof ScalarNode s)) return null;
        String v = s.getValue();
        if (s.isPlain() && (v.isEmpty() || v.equals("~") || v.equals("null"))) return null;
        return v;
    }
}
