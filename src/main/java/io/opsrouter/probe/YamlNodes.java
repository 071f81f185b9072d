package io.opsrouter.probe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads SnakeYAML nodes keeping their line numbers, so that an error can point at the line. */
public final class YamlNodes {
    private YamlNodes() {}

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
