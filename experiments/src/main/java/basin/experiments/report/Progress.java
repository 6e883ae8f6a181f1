package basin.experiments.report;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;

/**
 * Progress of a long step: a redrawn bar on standard error when the output is a terminal, and
 * nothing per step otherwise, so that a log file or a CI log gets only the one line per epoch or
 * step that the caller prints, never a bar's redraws.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Whether the output is a terminal (the JVM has a console). */
    public static boolean onTerminal() {
        return System.console() != null;
    }

    /** A bar for {@code total} units named {@code task}, or a silent one when not on a terminal. */
    public static Progress start(String task, long total) {
        if (!onTerminal()) return new Progress(null);
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build());
    }

    /** Moves the bar to {@code done} units with a short message, e.g. the running loss. */
    public void stepTo(long done, String format, Object... args) {
        if (bar == null) return;
        bar.stepTo(done);
        bar.setExtraMessage(String.format(Locale.ROOT, format, args));
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
