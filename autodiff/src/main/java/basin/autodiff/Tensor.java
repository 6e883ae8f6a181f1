package basin.autodiff;

import basin.autodiff.ops.Broadcast;
import basin.autodiff.ops.Exp;
import basin.autodiff.ops.LogSoftmax;
import basin.autodiff.ops.MatMul;
import basin.autodiff.ops.MaxPool2d;
import basin.autodiff.ops.Rsqrt;
import basin.autodiff.ops.Transpose;
import basin.autodiff.ops.Unfold;
import basin.autodiff.ops.Arithmetic;
import basin.autodiff.ops.Relu;
import basin.autodiff.ops.Reshape;
import basin.kernels.Backend;
import basin.kernels.Buffer;
import basin.kernels.Window2d;

/**
 * A float32 tensor on a {@link Backend}: a shape, the buffer that holds its values, and, while a
 * derivative is being taken, its tangent ẋ and whether it is being differentiated.
 *
 * <p>A tensor is immutable. Its arithmetic methods are sugar for {@link Op#apply}, so every
 * computation written with them can be recorded on a {@link Tape} and can carry tangents. A tensor
 * with a tangent is a dual number (x, ẋ); a null tangent is a symbolic zero, so data that does not
 * depend on the parameters costs nothing extra in a JVP or an HVP.
 */
public final class Tensor {
    private final Shape shape;
    private final Buffer data;
    private final Tensor tangent;
    private final boolean requiresGrad;

    private Tensor(Shape shape, Buffer data, Tensor tangent, boolean requiresGrad) {
        if (data.length() != shape.size()) {
            throw new ShapeException("tensor: buffer of length " + data.length() + " cannot hold shape " + shape);
        }
        if (tangent != null && !tangent.shape.equals(shape)) {
            throw new ShapeException("tensor: tangent shape " + tangent.shape + " differs from value shape " + shape);
        }
        this.shape = shape;
        this.data = data;
        this.tangent = tangent;
        this.requiresGrad = requiresGrad;
    }

    // ---- construction -------------------------------------------------------------------------

    /** A constant tensor over an existing buffer (shared, not copied). */
    public static Tensor of(Shape shape, Buffer data) {
        return new Tensor(shape, data, null, false);
    }

    /**
     * A leaf that derivatives are taken with respect to, over an existing buffer, with an optional
     * tangent v (for a JVP or an HVP in direction v).
     */
    public static Tensor variable(Shape shape, Buffer data, Tensor tangent) {
        return new Tensor(shape, data, tangent == null ? null : tangent.primal(), true);
    }

    /** A tensor with unspecified contents, from the backend's pool (and the open arena, if any). */
    public static Tensor empty(Backend backend, Shape shape) {
        return new Tensor(shape, backend.allocate(shape.size()), null, false);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(Backend backend, Shape shape, float value) {
        Tensor t = empty(backend, shape);
        backend.fill(t.data, value);
        return t;
    }

    /** A tensor of zeros. */
    public static Tensor zeros(Backend backend, Shape shape) {
        return full(backend, shape, 0f);
    }

    /** Host → device: a new tensor holding a copy of {@code values}. */
    public static Tensor fromHost(Backend backend, Shape shape, float[] values) {
        ShapeException.check(values.length == shape.size(),
                "fromHost: %d values cannot fill shape %s", values.length, shape);
        Tensor t = empty(backend, shape);
        backend.copyIn(values, 0, t.data);
        return t;
    }

    /** This tensor's value with the given tangent and differentiation flag (used by {@link Op#apply}). */
    Tensor with(Tensor tangent, boolean requiresGrad) {
        return new Tensor(shape, data, tangent, requiresGrad);
    }

    // ---- accessors ----------------------------------------------------------------------------

    public Shape shape() {
        return shape;
    }

    /** The buffer holding the values (the tangent has its own). */
    public Buffer buffer() {
        return data;
    }

    public Backend backend() {
        return data.backend();
    }

    /** The tangent ẋ, or null when it is zero. */
    public Tensor tangent() {
        return tangent;
    }

    /** True for a leaf being differentiated and for every recorded value computed from one. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The value alone: same storage, no tangent, no history. */
    public Tensor primal() {
        return tangent == null && !requiresGrad ? this : new Tensor(shape, data, null, false);
    }

    /** Device → host copy of the values. */
    public float[] toHost() {
        float[] out = new float[shape.size()];
        backend().copyOut(data, out, 0);
        return out;
    }

    /** The single value of a one-element tensor, copied to the host. */
    public float item() {
        ShapeException.check(shape.size() == 1, "item: tensor of shape %s is not a scalar", shape);
        return toHost()[0];
    }

    // ---- ops (sugar for Op.apply) -------------------------------------------------------------

    /** this · b for [m, k] · [k, n]. */
    public Tensor matmul(Tensor b) {
        return MatMul.NN.apply(this, b);
    }

    /** this · bᵀ for [m, k] · [n, k]ᵀ: a dense layer's x·Wᵀ with PyTorch's [out, in] weights. */
    public Tensor matmulNT(Tensor b) {
        return MatMul.NT.apply(this, b);
    }

    /** thisᵀ · b for [k, m]ᵀ · [k, n]. */
    public Tensor matmulTN(Tensor b) {
        return MatMul.TN.apply(this, b);
    }

    public Tensor add(Tensor b) {
        return Arithmetic.ADD.apply(this, b);
    }

    public Tensor sub(Tensor b) {
        return Arithmetic.SUB.apply(this, b);
    }

    /** Element-wise product; shapes must agree. */
    public Tensor mul(Tensor b) {
        return Arithmetic.MUL.apply(this, b);
    }

    /** α · this, for a constant α. */
    public Tensor scale(float alpha) {
        return Arithmetic.scale(alpha).apply(this);
    }

    /** this + b, with b's dimensions matching this tensor's axes {@code [axis, axis + b.rank)}. */
    public Tensor addBroadcast(Tensor b, int axis) {
        return Broadcast.add(axis).apply(this, b);
    }

    /** this ⊙ b, with b broadcast as in {@link #addBroadcast}. A scalar b scales the whole tensor. */
    public Tensor mulBroadcast(Tensor b, int axis) {
        return Broadcast.mul(axis).apply(this, b);
    }

    /** This tensor repeated to {@code target}, its dimensions matching target's axes {@code [axis, …)}. */
    public Tensor expand(Shape target, int axis) {
        return Broadcast.expand(target, axis).apply(this);
    }

    /** Sum over every axis outside {@code [axis, axis + target.rank)}: the reverse of {@link #expand}. */
    public Tensor sumTo(Shape target, int axis) {
        return Broadcast.sumTo(target, axis).apply(this);
    }

    /** Σ of all elements, as a scalar tensor. */
    public Tensor sum() {
        return sumTo(Shape.scalar(), 0);
    }

    /** Mean of all elements, as a scalar tensor. */
    public Tensor mean() {
        return sum().scale(1f / shape.size());
    }

    public Tensor relu() {
        return Relu.RELU.apply(this);
    }

    /** 𝟙[x &gt; 0]; its derivative is zero wherever it exists. */
    public Tensor positiveMask() {
        return Relu.POSITIVE_MASK.apply(this);
    }

    public Tensor exp() {
        return Exp.OP.apply(this);
    }

    /** log-softmax over the last axis. */
    public Tensor logSoftmax() {
        return LogSoftmax.OP.apply(this);
    }

    /** 1/√x element-wise. */
    public Tensor rsqrt() {
        return Rsqrt.OP.apply(this);
    }

    /** this + c element-wise, for a constant c. */
    public Tensor shift(float c) {
        return Arithmetic.shift(c).apply(this);
    }

    /** Swaps axes {@code axis} and {@code axis + 1}: [..., A, B, ...] → [..., B, A, ...]. */
    public Tensor swapAxes(int axis) {
        return Transpose.swap(axis).apply(this);
    }

    /** im2col: this image batch [N, C, H, W] → its patch matrix [C·kh·kw, N·outH·outW]. */
    public Tensor im2col(Window2d window) {
        return Unfold.im2col(window).apply(this);
    }

    /** col2im: this patch matrix [C·kh·kw, N·outH·outW] → [N, C, H, W], overlaps summed. */
    public Tensor col2im(Window2d window) {
        return Unfold.col2im(window).apply(this);
    }

    /** Max pooling of this [N, C, H, W] batch over {@code window}; the tangent follows the argmax. */
    public Tensor maxPool2d(Window2d window) {
        return MaxPool2d.apply(this, window);
    }

    /** The same values with another shape of the same size (a view, no copy). */
    public Tensor reshape(Shape target) {
        return Reshape.to(target).apply(this);
    }

    /** [n, d₁, d₂, …] → [n, d₁·d₂·…]. */
    public Tensor flatten() {
        return reshape(Shape.of(shape.dim(0), shape.product(1, shape.rank())));
    }

    @Override
    public String toString() {
        return "Tensor" + shape + (tangent != null ? " with tangent" : "") + " on " + backend().name();
    }
}
