package basin.engine.linalg;

import basin.autodiff.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How a model's parameters sit in one flat vector θ: each named tensor (PyTorch's {@code state_dict}
 * name, e.g. {@code 1.weight}) occupies {@code [offset, offset + size)}, in declaration order.
 * Flattening and unflattening are therefore free: a layer's weight is a view of θ.
 */
public final class ParamLayout {

    /** One named parameter tensor and where it lives in θ. */
    public record Entry(String name, Shape shape, int offset) {
        public int size() {
            return shape.size();
        }
    }

    private final List<Entry> entries;
    private final int size;

    private ParamLayout(List<Entry> entries, int size) {
        this.entries = Collections.unmodifiableList(entries);
        this.size = size;
    }

    /** A layout for the given names and shapes, packed in order. Names must be unique. */
    public static ParamLayout of(List<String> names, List<Shape> shapes) {
        if (names.size() != shapes.size()) throw new IllegalArgumentException("layout: names and shapes differ in count");
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < names.size(); i++) {
            for (Entry e : entries) {
                if (e.name().equals(names.get(i))) throw new IllegalArgumentException("layout: duplicate parameter name " + e.name());
            }
            entries.add(new Entry(names.get(i), shapes.get(i), (int) offset));
            offset += shapes.get(i).size();
            if (offset > Integer.MAX_VALUE) throw new IllegalArgumentException("layout: more than 2^31 parameters");
        }
        return new ParamLayout(entries, (int) offset);
    }

    /** A layout with a single unnamed vector of length n (for probes on plain matrices). */
    public static ParamLayout vector(int n) {
        return of(List.of("x"), List.of(Shape.of(n)));
    }

    /** Total number of parameters p = dim θ. */
    public int size() {
        return size;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The entry named {@code name}, or an exception listing the names that exist. */
    public Entry entry(String name) {
        for (Entry e : entries) if (e.name().equals(name)) return e;
        List<String> names = new ArrayList<>();
        for (Entry e : entries) names.add(e.name());
        throw new IllegalArgumentException("no parameter named '" + name + "'; the model has " + names);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) b.append(e.name()).append(e.shape()).append(' ');
        return b.append("(").append(size).append(" parameters)").toString();
    }
}
