package basin.engine.train;

/** Training stopped because the loss became NaN or infinite; names the epoch and step where it happened. */
public final class DivergenceException extends RuntimeException {
    private final int epoch, step;

    public DivergenceException(int epoch, int step, double loss) {
        super(String.format("training diverged: loss is %s at epoch %d, step %d (lower the learning rate?)", loss, epoch, step));
        this.epoch = epoch;
        this.step = step;
    }

    public int epoch() {
        return epoch;
    }

    public int step() {
        return step;
    }
}
