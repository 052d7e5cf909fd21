using System.IO;
using System.Linq;
using ResTuning.Checkpoints;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>Pretrains the sample U-Net on the source style, or loads a checkpoint.</summary>
public static class UNetPretraining
{
    /// <summary>Returns the path of a pretrained U-Net checkpoint, training one when needed.</summary>
    public static string EnsureUNet(GenerationSettings settings, Diffusion diffusion, Device device)
    {
        if (settings.Pretrained is not null)
        {
            if (!File.Exists(settings.Pretrained))
                throw new FileNotFoundException($"--pretrained '{settings.Pretrained}' does not exist.", settings.Pretrained);
            return settings.Pretrained;
        }
        var path = Path.Combine(settings.Output, $"pretrained-unet-{settings.ImageSize}px.safetensors");
        if (File.Exists(path))
        {
            AnsiConsole.MarkupLine($"[grey]Reusing the pretrained U-Net {Markup.Escape(path)} (delete it to pretrain again).[/]");
            return path;
        }

        AnsiConsole.MarkupLine("[bold]Pretraining[/] the denoising U-Net on the source style (solid shapes, warm colours).");
        manual_seed(settings.Seed);
        var images = ImageStyle.Source.Images(settings.TrainExamples, settings.ImageSize, settings.Seed);
        var unet = new DenoisingUNet();
        unet.to(device);
        var (losses, _) = DenoiserTrainer.Train("pretrain", (x, t) => unet.call(x, t), unet.parameters().ToList(), diffusion, images,
            settings.PretrainEpochs, settings.Batch, 2e-3, device, settings.Seed);
        AnsiConsole.MarkupLine($"Pretraining loss (mean of the last 20 steps): [bold]{losses.TakeLast(20).Average():F4}[/]");
        SafeTensorsFile.Write(path, unet.state_dict());
        return path;
    }

    /// <summary>A U-Net with the checkpoint's weights, on <paramref name="device"/>.</summary>
    public static DenoisingUNet Load(string path, Device device)
    {
        var unet = new DenoisingUNet();
        var weights = SafeTensorsFile.Read(path);
        StateDictLoader.Load(unet, weights, path);
        unet.to(device);
        return unet;
    }
}
