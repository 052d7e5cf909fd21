using System.Collections.Generic;
using System.Linq;
using ResTuning.Backbones;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>A pretrained ViT prepared for one <see cref="TuningMethod"/>, and the parameters its optimizer updates.</summary>
/// <param name="Model">Images to logits.</param>
/// <param name="Trainable">The parameters with <c>requires_grad</c>.</param>
public sealed record TunedModel(nn.Module<Tensor, Tensor> Model, IReadOnlyList<Parameter> Trainable)
{
    /// <summary>
    /// Prepares <paramref name="vit"/> (pretrained, with a new head for the downstream classes) for <paramref name="method"/> on <paramref name="device"/>.
    /// LoRA and Res-Tuning use the generated DSL models <see cref="VitLoRA"/> and <see cref="VitResTuning"/>.
    /// </summary>
    public static TunedModel Create(VisionTransformer vit, TuningMethod method, Device device)
    {
        nn.Module<Tensor, Tensor> model;
        switch (method)
        {
            case TuningMethod.Full:
                model = vit;
                break;
            case TuningMethod.Linear:
                foreach (var p in vit.parameters()) p.requires_grad = false;
                foreach (var p in vit.Head.parameters()) p.requires_grad = true;
                model = vit;
                break;
            case TuningMethod.Lora:
                model = new VitLoRA(new VitView(vit));
                break;
            case TuningMethod.ResTuning:
                model = new VitResTuning(new VitView(vit));
                break;
            default:
                model = new VitBypass(vit);
                break;
        }
        // Moving replaces parameter tensors: collect the trainable ones afterwards.
        model.to(device);
        return new TunedModel(model, model.parameters().Where(p => p.requires_grad).ToList());
    }
}
