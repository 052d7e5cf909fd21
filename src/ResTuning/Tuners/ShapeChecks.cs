namespace ResTuning.Tuners;

/// <summary>Small shape guards shared by the tuners.</summary>
internal static class ShapeChecks
{
    /// <summary>Throws a <see cref="TunerShapeException"/> unless the last dimension of <paramref name="x"/> is <paramref name="features"/>.</summary>
    public static void LastDim(string tuner, torch.Tensor x, long features)
    {
        if (x.dim() == 0 || x.shape[^1] != features)
        {
            var expected = new long[System.Math.Max(1, (int)x.dim())];
            for (var i = 0; i < expected.Length; i++) expected[i] = -1;
            expected[^1] = features;
            throw new TunerShapeException(tuner, "input", expected, x.shape,
                $"The tuner was built for {features} input features; build it with the width of the operator's input.");
        }
    }

    /// <summary>Throws unless <paramref name="x"/> is a [batch, tokens, features] tensor with the given feature count.</summary>
    public static void Tokens(string tuner, torch.Tensor x, long features)
    {
        if (x.dim() != 3 || x.shape[2] != features)
        {
            throw new TunerShapeException(tuner, "input", new long[] { -1, -1, features }, x.shape,
                "Attention tuners read [batch, tokens, features] inputs with the attention's embedding width.");
        }
    }

    /// <summary>Throws unless <paramref name="x"/> is a [batch, channels, height, width] feature map with the given channel count.</summary>
    public static void FeatureMap(string tuner, torch.Tensor x, long channels)
    {
        if (x.dim() != 4 || x.shape[1] != channels)
        {
            throw new TunerShapeException(tuner, "input", new long[] { -1, channels, -1, -1 }, x.shape,
                $"Convolutional tuners read [batch, channels, height, width] feature maps; this one was built for {channels} input channels.");
        }
    }
}
