package basin.experiments.report;

import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.curvature.PowerIteration;
import basin.engine.probe.landscape.GradientNoiseScale;
import basin.engine.probe.landscape.PathResult;
import basin.engine.probe.landscape.Slice;
import basin.engine.probe.landscape.WeightNoise;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON fields of each probe's result, written once: {@code basin probe …} prints them and the
 * studies store them, so a study's numbers are exactly what the matching command prints.
 */
public final class ProbeRecords {
    private ProbeRecords() {
    }

    /** Power iteration: λ, its residual ‖Hv − λv‖, the stopping rule and whether it was met. */
    public static Map<String, Object> powerIteration(PowerIteration.Result r, int maxIterations, double tol, long hvps) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("lambda_max", r.lambda());
        o.put("residual", r.residual());
        o.put("stopping_rule", "‖Hv − λv‖ ≤ tol·|λ|");
        o.put("tol", tol);
        o.put("iterations", r.iterations());
        o.put("max_iterations", maxIterations);
        o.put("converged", r.converged());
        o.put("hvps", hvps);
        o.put("rayleigh_quotients", r.rayleighQuotients());
        return o;
    }

    /** Lanczos: the top Ritz value, its residual ‖Hx − θx‖ (measured with one more HVP) and the Ritz values. */
    public static Map<String, Object> lanczos(Lanczos.Result r, double residual, long hvps) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("lambda_max", r.topK(1)[0]);
        o.put("residual", residual);
        o.put("steps", r.steps());
        o.put("hvps", hvps);
        o.put("ritz_values", r.ritzValues());
        o.put("alpha", r.alpha());                                     // T's diagonal and off-diagonal: the Ritz values
        o.put("beta", r.beta());                                       // of every T_j follow from them (ConvergencePlots)
        return o;
    }

    /** Isotropic weight noise: mean and spread of accuracy and loss per σ, and every draw. */
    public static Map<String, Object> weightNoise(List<WeightNoise.AtScale> noise, int draws) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("noise", "θ + σ ξ, ξ ~ N(0, I): every weight and bias gets independent N(0, σ²) noise");
        o.put("draws", draws);
        int n = noise.size();
        double[] scales = new double[n], meanAcc = new double[n], stdAcc = new double[n], meanLoss = new double[n];
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WeightNoise.AtScale s = noise.get(i);
            scales[i] = s.sigma();
            meanAcc[i] = s.accuracy().mean();
            stdAcc[i] = s.accuracy().std();
            meanLoss[i] = s.loss().mean();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("sigma", s.sigma());
            row.put("accuracies", s.accuracies());
            row.put("losses", s.losses());
            rows.add(row);
        }
        o.put("scales", scales);
        o.put("accuracies", meanAcc);
        o.put("accuracy_std", stdAcc);
        o.put("losses", meanLoss);
        o.put("draws_by_scale", rows);
        return o;
    }

    /** Norm-controlled perturbations ("flatness"): the mean rise of the loss at ‖δ‖ = r. */
    public static Map<String, Object> normControlled(WeightNoise.NormControlled flat) {
        Map<String, Object> fl = new LinkedHashMap<>();
        fl.put("epsilon", flat.epsilon());
        fl.put("relative", flat.relative());
        fl.put("radius", flat.radius());
        fl.put("loss", flat.baseLoss());
        fl.put("mean_increase", flat.summary().mean());
        fl.put("std", flat.summary().std());
        fl.put("max_increase", flat.summary().max());
        fl.put("increases", flat.increases());
        return fl;
    }

    /** The gradient noise scale and B_simple with what they came from. */
    public static Map<String, Object> noiseScale(GradientNoiseScale.Result r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("batch_size", r.batchSize());
        o.put("batches", r.batches());
        o.put("mean_gradient_norm_squared", r.meanGradientNormSquared());
        o.put("mean_batch_gradient_norm_squared", r.meanBatchGradientNormSquared());
        o.put("noise_scale", r.signalToNoise());
        o.put("noise_scale_formula", "‖E g‖² / (E‖g‖² − ‖E g‖²) over the K batch gradients");
        o.put("gradient_norm_squared", r.gradientNormSquared());
        o.put("trace_sigma", r.traceSigma());
        o.put("b_simple", r.bSimple());
        o.put("b_simple_formula", "tr(Σ)/‖G‖², unbiased estimates of McCandlish et al. 2018 app. A with B_small = B, B_big = K·B");
        return o;
    }

    /** A path's points and its barriers. */
    public static Map<String, Object> path(PathResult path) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("alphas", path.ts());
        o.put("losses", path.losses());
        o.put("accuracies", path.accuracies());
        o.put("barrier", path.barrier().barrier());
        o.put("barrier_above_linear_mix", path.barrier().barrierAboveMix());
        o.put("barrier_alpha", path.barrier().argmax());
        return o;
    }

    /** A slice's grid: α (and β for a plane, α outer), loss and accuracy at each point. */
    public static Map<String, Object> slice(Slice.Result r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("resumed_points", r.resumed());
        o.put("alphas", r.alphas());
        if (r.betas() == null) {
            o.put("losses", r.losses());
            o.put("accuracies", r.accuracies());
        } else {
            o.put("betas", r.betas());
            o.put("losses", r.lossRows());
            o.put("accuracies", r.accuracyRows());
        }
        return o;
    }
}
