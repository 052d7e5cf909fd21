namespace ResTuning.Backbones;

/// <summary>
/// One BERT encoder layer in Hugging Face's layout: <c>attention</c> (<see cref="BertAttention"/>), <c>intermediate</c>
/// (<see cref="BertIntermediate"/>) and <c>output</c> (<see cref="BertOutput"/>); forward
/// <c>h = attention(x)</c>, <c>LayerNorm(ffn(h) + h)</c>, the feed-forward operator <c>ffn</c> (<see cref="BertFeedForward"/>)
/// being <c>output.dense(intermediate(h))</c>.
/// </summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertOutput output;
    private readonly BertFeedForward ffn;

    internal BertLayer(BertConfig config, BertPassContext context, string name = "layer") : base(name)
    {
        attention = new BertAttention(config, context);
        intermediate = new BertIntermediate(config);
        output = new BertOutput(config.IntermediateSize, config);
        ffn = new BertFeedForward(intermediate, output);
        register_module("attention", attention);
        register_module("intermediate", intermediate);
        register_module("output", output);
        // Holds no weights of its own (see BertFeedForward): registered so it runs in the layer's train/eval mode and shows in named_modules.
        register_module("ffn", ffn);
    }

    /// <summary>The attention sub-block (HF <c>attention</c>).</summary>
    public BertAttention Attention => attention;

    /// <summary>The first feed-forward projection and its GELU (HF <c>intermediate</c>).</summary>
    public BertIntermediate Intermediate => intermediate;

    /// <summary>The second feed-forward projection and the norm (HF <c>output</c>).</summary>
    public BertOutput Output => output;

    /// <summary>The feed-forward operator, <c>output.dense(intermediate(x))</c>, registered as <c>ffn</c> without weights of its own.</summary>
    public BertFeedForward Ffn => ffn;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        // Free the layer's temporaries when it returns (autograd keeps what backward needs), as the ViT block does.
        using var scope = NewDisposeScope();
        var attended = attention.call(x);
        var projected = ffn.call(attended);
        var result = output.call(projected, attended);
        return result.MoveToOuterDisposeScope();
    }
}
