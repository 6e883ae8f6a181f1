package basin.engine.probe.curvature;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.kernels.Backend;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The diagonal block A_BB of a curvature matrix for a subset B of the parameter tensors, as an
 * operator on the block alone: v_B is embedded in θ's layout with zeros elsewhere, multiplied, and
 * the block's entries read back,
 * <pre>
 *   A_BB v_B = P_B A P_Bᵀ v_B,   P_B the projection onto B's coordinates
 * </pre>
 * so its eigenvalues are those of the sub-matrix (by Cauchy interlacing they lie within A's range).
 * Its layout is the block's own (the selected names and shapes, packed), not θ's with the rest
 * masked to zero: a masked operator would add p − p_B exact zero eigenvalues that Lanczos, SLQ and
 * the effective rank would have to see through, Hutchinson's vectors would carry p − p_B useless
 * entries, and Lanczos would keep m full-length vectors. Each product still costs one full product
 * of A (the network does not separate by layer).
 */
public final class BlockOperator implements CurvatureOperator {
    private final CurvatureOperator a;
    private final List<ParamLayout.Entry> block;     // the selected entries, in θ's layout
    private final ParamLayout layout;                // the same names and shapes, packed
    private final ParamVector embedded, product;     // P_Bᵀ v_B and A P_Bᵀ v_B, in θ's layout, reused

    /** A_BB for the entries of {@code a}'s layout that {@code block} names (a subset, in any order; kept in layout order). */
    public BlockOperator(CurvatureOperator a, List<ParamLayout.Entry> block) {
        if (block.isEmpty()) throw new IllegalArgumentException("block: no parameters selected");
        List<ParamLayout.Entry> ordered = new ArrayList<>();
        for (ParamLayout.Entry e : a.layout().entries()) if (block.contains(e)) ordered.add(e);
        if (ordered.size() != block.size()) {
            throw new IllegalArgumentException("block: " + block + " are not all parameters of " + a.layout());
        }
        this.a = a;
        this.block = List.copyOf(ordered);
        this.layout = ParamLayout.of(ordered.stream().map(ParamLayout.Entry::name).toList(),
                ordered.stream().map(ParamLayout.Entry::shape).toList());
        this.embedded = ParamVector.zeros(a.backend(), a.layout());
        this.product = ParamVector.zeros(a.backend(), a.layout());
    }

    /**
     * The entries of {@code layout} whose names match any of the comma-separated globs ({@code *} any
     * run of characters, dots included; {@code ?} one character), e.g. {@code 1.*} or {@code *.weight}.
     * A glob that matches nothing is an error naming the parameters there are.
     */
    public static List<ParamLayout.Entry> select(ParamLayout layout, String globs) {
        List<ParamLayout.Entry> selected = new ArrayList<>();
        for (String glob : globs.split(",")) {
            String g = glob.strip();
            if (g.isEmpty()) throw new IllegalArgumentException("--params: empty glob in '" + globs + "'");
            Pattern pattern = Pattern.compile(toRegex(g));
            boolean any = false;
            for (ParamLayout.Entry e : layout.entries()) {
                if (!pattern.matcher(e.name()).matches()) continue;
                any = true;
                if (!selected.contains(e)) selected.add(e);
            }
            if (!any) {
                throw new IllegalArgumentException("--params: '" + g + "' matches no parameter; the model has "
                        + layout.entries().stream().map(ParamLayout.Entry::name).toList());
            }
        }
        return selected;
    }

    private static String toRegex(String glob) {
        StringBuilder b = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') b.append(".*");
            else if (c == '?') b.append('.');
            else b.append(Pattern.quote(String.valueOf(c)));
        }
        return b.toString();
    }

    @Override
    public void apply(ParamVector vB, ParamVector outB) {
        if (vB == outB) throw new IllegalArgumentException("block: out must not alias v");
        if (vB.dim() != layout.size() || outB.dim() != layout.size()) {
            throw new IllegalArgumentException("block: vectors of " + vB.dim() + " and " + outB.dim() + " entries for a block of " + layout.size());
        }
        Backend backend = a.backend();
        List<ParamLayout.Entry> packed = layout.entries();
        for (int i = 0; i < block.size(); i++) {                 // P_Bᵀ v_B; the rest of embedded stays zero
            ParamLayout.Entry e = block.get(i), f = packed.get(i);
            backend.copy(vB.buffer().slice(f.offset(), f.size()), embedded.buffer().slice(e.offset(), e.size()));
        }
        a.apply(embedded, product);
        for (int i = 0; i < block.size(); i++) {                 // P_B (A P_Bᵀ v_B)
            ParamLayout.Entry e = block.get(i), f = packed.get(i);
            backend.copy(product.buffer().slice(e.offset(), e.size()), outB.buffer().slice(f.offset(), f.size()));
        }
    }

    /** The names of the block's parameters, in layout order. */
    public List<String> names() {
        return layout.entries().stream().map(ParamLayout.Entry::name).toList();
    }

    @Override
    public ParamLayout layout() {
        return layout;
    }

    @Override
    public Backend backend() {
        return a.backend();
    }

    @Override
    public Curvature curvature() {
        return a.curvature();
    }

    @Override
    public int examples() {
        return a.examples();
    }

    @Override
    public int batchCount() {
        return a.batchCount();
    }

    @Override
    public long productCount() {
        return a.productCount();
    }
}
