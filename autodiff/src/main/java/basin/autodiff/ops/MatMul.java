package basin.autodiff.ops;

import basin.autodiff.Op;
import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;

/**
 * Matrix product with optional transposes, Y = op(A)·op(B), for 2-D A and B.
 * <pre>
 *   primal     Y = op(A) op(B)
 *   tangent    Ẏ = op(Ȧ) op(B) + op(A) op(Ḃ)          bilinear: the op reuses itself
 *   cotangent  NN  Y = A B     Ā = Ȳ Bᵀ      B̄ = Aᵀ Ȳ
 *              NT  Y = A Bᵀ    Ā = Ȳ B       B̄ = Ȳᵀ A
 *              TN  Y = Aᵀ B    Ā = B Ȳᵀ      B̄ = A Ȳ
 *              TT  Y = Aᵀ Bᵀ   Ā = Bᵀ Ȳᵀ     B̄ = Ȳᵀ Aᵀ
 * </pre>
 * The four layouts are closed under these rules, so the set is closed under differentiation.
 */
public final class MatMul extends Op {
    public static final MatMul NN = new MatMul(false, false);
    public static final MatMul NT = new MatMul(false, true);
    public static final MatMul TN = new MatMul(true, false);
    public static final MatMul TT = new MatMul(true, true);

    private final boolean transA, transB;

    private MatMul(boolean transA, boolean transB) {
        this.transA = transA;
        this.transB = transB;
    }

    @Override
    public String name() {
        return "matmul" + (transA || transB ? (transA ? "T" : "N") + (transB ? "T" : "N") : "");
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Shape a = x[0].shape(), b = x[1].shape();
        ShapeException.check(a.rank() == 2 && b.rank() == 2, "%s: operands must be matrices: a=%s, b=%s", name(), a, b);
        int m = transA ? a.dim(1) : a.dim(0), k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0), n = transB ? b.dim(0) : b.dim(1);
        ShapeException.check(k == kb, "%s: inner dimensions %d and %d differ: a=%s, b=%s", name(), k, kb, a, b);
        Tensor y = Tensor.empty(x[0].backend(), Shape.of(m, n));
        y.backend().gemm(transA, transB, m, n, k, 1f, x[0].buffer(), x[1].buffer(), 0f, y.buffer());
        return y;
    }

    @Override
    protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
        Tensor fromA = xDot[0] == null ? null : apply(xDot[0], x[1]);
        Tensor fromB = xDot[1] == null ? null : apply(x[0], xDot[1]);
        return Zero.plus(fromA, fromB);
    }

    @Override
    protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
        Tensor a = x[0], b = x[1];
        Tensor aBar = null, bBar = null;
        if (!transA && !transB) {
            if (needed[0]) aBar = NT.apply(yBar, b);
            if (needed[1]) bBar = TN.apply(a, yBar);
        } else if (!transA) {
            if (needed[0]) aBar = NN.apply(yBar, b);
            if (needed[1]) bBar = TN.apply(yBar, a);
        } else if (!transB) {
            if (needed[0]) aBar = NT.apply(b, yBar);
            if (needed[1]) bBar = NN.apply(a, yBar);
        } else {
            if (needed[0]) aBar = TT.apply(b, yBar);
            if (needed[1]) bBar = TT.apply(yBar, a);
        }
        return new Tensor[] {aBar, bBar};
    }
}
