package basin.engine.fuzz;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a fuzz target and the seed generator must agree on: the model a checkpoint loads into, the grid a grid file is for. */
public final class FuzzFixtures {
    /** A model with matrices, vectors, BatchNorm's float buffers and its I64 counter: every kind of checkpoint tensor. */
    public static final String CHECKPOINT_MODEL = "{\"input\":[3],\"layers\":[{\"type\":\"linear\",\"out\":2},"
            + "{\"type\":\"batchnorm1d\"},{\"type\":\"relu\"},{\"type\":\"linear\",\"out\":2}]}";

    private FuzzFixtures() {
    }

    /** The grid of the grid-file seeds; a fuzzed first line mostly describes another one. */
    public static Map<String, Object> grid() {
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("kind", "slice1d");
        grid.put("alphas", List.of(-1.0, 0.0, 1.0));
        grid.put("seed", 0);
        return grid;
    }
}
