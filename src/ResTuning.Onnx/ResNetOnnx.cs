using ResTuning.Backbones;

namespace ResTuning.Onnx;

/// <summary>
/// Maps the weights of an ONNX ResNet (unfolded BatchNorm, e.g. a CNTK or PyTorch export with arbitrary initializer names
/// such as <c>Parameter91</c>) onto TorchVision's state-dict names, by following the graph: the first Conv and its
/// BatchNorm are the stem, every Add closes a residual block whose two inputs are traced back through Conv, BatchNormalization
/// and Relu nodes to the block input (two Conv+BN pairs: the main branch <c>conv1/bn1/conv2/bn2[/conv3/bn3]</c>; one pair: the
/// <c>downsample</c>; none: the identity).
/// </summary>
public static class ResNetOnnx
{
    /// <summary>
    /// Reads the ResNet in the ONNX file at <paramref name="path"/> into a new <see cref="ResNet"/> of <paramref name="config"/>'s
    /// shape (through <see cref="NameMap"/> and <see cref="OnnxWeights.LoadInto"/>), in eval mode.
    /// </summary>
    /// <exception cref="System.IO.FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxFormatException">The file is not ONNX, or not a ResNet of that shape.</exception>
    /// <exception cref="ResTuning.Checkpoints.CheckpointException">A tensor's shape does not fit (e.g. other widths).</exception>
    public static ResNet Load(string path, ResNetConfig config) => Load(path, config, newHeadClasses: 0);

    /// <summary>
    /// As <see cref="Load(string, ResNetConfig)"/> for a headless <paramref name="config"/> (the file's network ends at the
    /// pooled features), with a new classifier <c>fc</c> of <paramref name="newHeadClasses"/> outputs in TorchVision's
    /// initialisation: the usual start of transfer learning. 0 gives no head.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newHeadClasses"/> is negative, or <paramref name="config"/> has a head of its own.</exception>
    public static ResNet Load(string path, ResNetConfig config, int newHeadClasses)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (newHeadClasses < 0) throw new ArgumentOutOfRangeException(nameof(newHeadClasses), newHeadClasses, "Give the new head's class count (positive), or 0 for no head.");
        if (newHeadClasses > 0 && config.Classes > 0)
            throw new ArgumentOutOfRangeException(nameof(config), $"The config already has a head of {config.Classes} classes to load from the file; pass a headless config (Classes = 0) with a new head.");
        using var onnx = OnnxModel.Load(path);
        var model = new ResNet(newHeadClasses > 0 ? config with { Classes = newHeadClasses } : config);
        try
        {
            // The new head's weights come from no file: only they (and BatchNorm's counters) may stay unfilled.
            onnx.LoadInto(model, NameMap(onnx, config), skipEntry: name =>
                name.EndsWith(".num_batches_tracked", StringComparison.Ordinal) || (newHeadClasses > 0 && name.StartsWith("fc.", StringComparison.Ordinal)));
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }

    /// <summary>ONNX initializer name → TorchVision state-dict name for <paramref name="config"/>'s ResNet.</summary>
    /// <param name="model">The ONNX graph.</param>
    /// <param name="config">The ResNet it holds (block kind and stage counts; when <see cref="ResNetConfig.Classes"/> is positive, the last Gemm node (transB = 1) is <c>fc</c>).</param>
    /// <exception cref="OnnxFormatException">The graph is not a ResNet of that shape (wrong number of blocks or convolutions per block, a BatchNorm epsilon other than the config's).</exception>
    public static IReadOnlyDictionary<string, string> NameMap(OnnxModel model, ResNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var producer = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
            foreach (var output in node.Outputs)
                producer[output] = node;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);

        var stemConv = model.Nodes.FirstOrDefault(n => n.OpType == "Conv")
            ?? throw new OnnxFormatException(model.Source, "has no Conv node; it is not a ResNet.");
        var stemBn = model.Nodes.FirstOrDefault(n => n.OpType == "BatchNormalization" && n.Inputs[0] == stemConv.Outputs[0])
            ?? throw new OnnxFormatException(model.Source, $"the stem convolution '{stemConv.Name}' is not followed by a BatchNormalization (folded BatchNorm is not supported).");
        AddConv(map, stemConv, "conv1");
        AddBatchNorm(map, stemBn, "bn1", config, model.Source);

        var adds = model.Nodes.Where(n => n.OpType == "Add" && n.Inputs.Count == 2).ToList();
        var expectedBlocks = config.Layers.Sum();
        if (adds.Count != expectedBlocks)
            throw new OnnxFormatException(model.Source, $"has {adds.Count} residual Add nodes; a ResNet with stages [{string.Join(", ", config.Layers)}] has {expectedBlocks}.");
        var convsPerBranch = config.Block == BlockKind.Basic ? 2 : 3;
        var block = 0;
        for (var stage = 0; stage < config.Layers.Count; stage++)
        {
            for (var b = 0; b < config.Layers[stage]; b++, block++)
            {
                var add = adds[block];
                var prefix = $"layer{stage + 1}.{b}.";
                var branches = add.Inputs.Select(input => Trace(input, producer)).OrderByDescending(c => c.Count).ToList();
                var main = branches[0];
                var shortcut = branches[1];
                if (main.Count != convsPerBranch || shortcut.Count > 1)
                    throw new OnnxFormatException(model.Source,
                        $"residual block {prefix.TrimEnd('.')} (Add node '{add.Name}') has branches of {main.Count} and {shortcut.Count} Conv+BatchNorm pairs; " +
                        $"a {config.Block} block has {convsPerBranch} and 0 or 1 (downsample).");
                for (var i = 0; i < main.Count; i++)
                {
                    AddConv(map, main[i].Conv, $"{prefix}conv{i + 1}");
                    AddBatchNorm(map, main[i].Bn, $"{prefix}bn{i + 1}", config, model.Source);
                }
                if (shortcut.Count == 1)
                {
                    AddConv(map, shortcut[0].Conv, $"{prefix}downsample.0");
                    AddBatchNorm(map, shortcut[0].Bn, $"{prefix}downsample.1", config, model.Source);
                }
            }
        }

        if (config.Classes > 0)
        {
            // The classifier: a Gemm (y = x · Wᵀ + b with transB = 1, TorchVision's fc layout) after the pool.
            var gemm = model.Nodes.LastOrDefault(n => n.OpType == "Gemm")
                ?? throw new OnnxFormatException(model.Source, $"has no Gemm node for the fc head of {config.Classes} classes; build the ResNet with classes: 0 to load the body only.");
            if (gemm.Attribute("transB") is not 1L)
                throw new OnnxFormatException(model.Source, $"the head Gemm '{gemm.Name}' does not have transB = 1; only TorchVision's [classes, features] fc weight layout is supported.");
            map[gemm.Inputs[1]] = "fc.weight";
            if (gemm.Inputs.Count > 2 && gemm.Inputs[2].Length > 0) map[gemm.Inputs[2]] = "fc.bias";
        }
        return map;
    }

    /// <summary>The Conv+BatchNorm pairs from the block input to <paramref name="value"/>, first pair first.</summary>
    private static List<(OnnxNode Conv, OnnxNode Bn)> Trace(string value, Dictionary<string, OnnxNode> producer)
    {
        var pairs = new List<(OnnxNode Conv, OnnxNode Bn)>();
        while (producer.TryGetValue(value, out var node))
        {
            if (node.OpType == "Relu" && producer.TryGetValue(node.Inputs[0], out var before) && before.OpType == "BatchNormalization")
            {
                value = node.Inputs[0]; // the ReLU inside a branch
                continue;
            }
            if (node.OpType != "BatchNormalization" || !producer.TryGetValue(node.Inputs[0], out var conv) || conv.OpType != "Conv")
                break; // the block input: the previous block's ReLU or the stem's max pool
            pairs.Add((conv, node));
            value = conv.Inputs[0];
        }
        pairs.Reverse();
        return pairs;
    }

    private static void AddConv(Dictionary<string, string> map, OnnxNode conv, string prefix)
    {
        map[conv.Inputs[1]] = prefix + ".weight";
        if (conv.Inputs.Count > 2 && conv.Inputs[2].Length > 0) map[conv.Inputs[2]] = prefix + ".bias";
    }

    private static void AddBatchNorm(Dictionary<string, string> map, OnnxNode bn, string prefix, ResNetConfig config, string source)
    {
        var eps = bn.Attribute("epsilon") is float e ? e : 1e-5f;
        if (Math.Abs(eps - config.BatchNormEps) > 1e-4 * config.BatchNormEps)
            throw new OnnxFormatException(source, $"BatchNormalization '{bn.Name}' ({prefix}) has epsilon {eps}; the ResNet config has {config.BatchNormEps}. Build the ResNet with BatchNormEps = {eps}.");
        map[bn.Inputs[1]] = prefix + ".weight";
        map[bn.Inputs[2]] = prefix + ".bias";
        map[bn.Inputs[3]] = prefix + ".running_mean";
        map[bn.Inputs[4]] = prefix + ".running_var";
    }
}
