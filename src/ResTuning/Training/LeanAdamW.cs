using System;
using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter) exactly as TorchSharp's <see cref="AdamW"/> computes it, with a lower peak memory:
/// TorchSharp's step keeps each parameter's temporaries (two tensors the size of the parameter, for the denominator)
/// until the whole step ends, so a full fine-tuning step briefly holds two extra copies of the model; this one frees them
/// parameter by parameter, as PyTorch does. Same state, same results to the bit; no <c>amsgrad</c>/<c>maximize</c>.
/// </summary>
public sealed class LeanAdamW : AdamW
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    public LeanAdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : base(parameters, lr, beta1, beta2, eps, weightDecay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var beta1 = options.beta1!.Value;
        var beta2 = options.beta2!.Value;
        var weightDecay = options.weight_decay!.Value;
        var eps = options.eps!.Value;
        var lr = options.LearningRate!.Value;
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            state.step += 1;
            param.mul_(1 - (lr * weightDecay));
            var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            var biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(beta1).add_(grad, alpha: 1 - beta1);
            state.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
            // The one temporary of this parameter, freed before the next parameter's (TorchSharp's version makes two and
            // keeps them until the step ends); the division is the same elementwise operation, so results are identical.
            using var denom = state.exp_avg_sq.sqrt().div_(Math.Sqrt(biasCorrection2)).add_(eps);
            param.addcdiv_(state.exp_avg, denom, value: -(lr / biasCorrection1));
        }
    }, closure);
}
