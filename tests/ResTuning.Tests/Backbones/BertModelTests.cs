using ResTuning.Backbones;
using ResTuning.Checkpoints;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Backbones;

/// <summary>The runtime BERT on a small random configuration: Hugging Face's names, the mask honoured by every pooling, clear errors.</summary>
public class BertModelTests
{
    private static readonly BertConfig Small = new(VocabSize: 40, HiddenSize: 16, NumLayers: 2, NumHeads: 4, IntermediateSize: 24, MaxPositions: 12);

    [Fact]
    public void State_dict_names_are_Hugging_Faces()
    {
        using var _ = Torch.Scope(seed: 1);
        using var bert = new BertModel(Small with { NumLayers = 1, NumClasses = 3 });
        // transformers' BertModel.state_dict() for one layer (persistent buffers excluded), then the new classifier.
        var expected = new[]
        {
            "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
            "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias",
            "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.query.bias",
            "encoder.layer.0.attention.self.key.weight", "encoder.layer.0.attention.self.key.bias",
            "encoder.layer.0.attention.self.value.weight", "encoder.layer.0.attention.self.value.bias",
            "encoder.layer.0.attention.output.dense.weight", "encoder.layer.0.attention.output.dense.bias",
            "encoder.layer.0.attention.output.LayerNorm.weight", "encoder.layer.0.attention.output.LayerNorm.bias",
            "encoder.layer.0.intermediate.dense.weight", "encoder.layer.0.intermediate.dense.bias",
            "encoder.layer.0.output.dense.weight", "encoder.layer.0.output.dense.bias",
            "encoder.layer.0.output.LayerNorm.weight", "encoder.layer.0.output.LayerNorm.bias",
            "pooler.dense.weight", "pooler.dense.bias", "classifier.weight", "classifier.bias",
        };
        Assert.Equal(expected, bert.state_dict().Keys);
        Assert.Equal(new long[] { 24, 16 }, bert.state_dict()["encoder.layer.0.intermediate.dense.weight"].shape);

        // A checkpoint with these names loads through the state-dict loader, strictly.
        using var other = new BertModel(Small with { NumLayers = 1, NumClasses = 3 });
        StateDictLoader.Load(other, bert.state_dict(), "bert.safetensors");
        Assert.All(bert.state_dict(), kv => Assert.True(Torch.Same(kv.Value, other.state_dict()[kv.Key]), kv.Key));
    }

    [Theory]
    [InlineData(BertPooling.Mean)]
    [InlineData(BertPooling.Cls)]
    [InlineData(BertPooling.Pooler)]
    public void Padding_never_changes_the_pooled_output(BertPooling pooling)
    {
        using var _ = Torch.Scope(seed: 2);
        using var bert = new BertModel(Small with { Pooling = pooling, NumClasses = 2 });
        bert.eval();
        var sentence = tensor(new long[] { 2, 7, 9, 13, 3 }).unsqueeze(0);
        var padded = tensor(new long[] { 2, 7, 9, 13, 3, 0, 0, 0, 2, 5, 3, 0, 0, 0, 0, 0 }, new long[] { 2, 8 });
        using var noGrad = no_grad();
        var alone = bert.call(sentence);
        var batch = bert.call(padded);
        Assert.True(Torch.MaxAbsDiff(batch[0], alone[0]) < 1e-6);
        // An explicit mask gives the same as the [PAD]-derived one, and padded positions are really masked: other pad values
        // under the same mask change nothing.
        var mask = padded.ne(0);
        Assert.True(Torch.MaxAbsDiff(bert.Forward(padded, mask), batch) < 1e-7);
        var otherPadding = padded.where(mask, tensor(17L));
        Assert.True(Torch.MaxAbsDiff(bert.Forward(otherPadding, mask), batch) < 1e-6);
        // Without the mask the padding would leak into the real tokens' states.
        Assert.True(Torch.MaxAbsDiff(bert.Encode(padded, ones_like(padded))[0].narrow(0, 0, 5), bert.Encode(padded)[0].narrow(0, 0, 5)) > 1e-3);
    }

    [Fact]
    public void Mean_pooling_averages_the_real_tokens_and_token_types_are_used()
    {
        using var _ = Torch.Scope(seed: 3);
        using var bert = new BertModel(Small);
        bert.eval();
        var ids = tensor(new long[] { 2, 7, 9, 3, 0, 0 }, new long[] { 1, 6 });
        using var noGrad = no_grad();
        var states = bert.Encode(ids);
        Assert.True(Torch.MaxAbsDiff(bert.call(ids), states[0].narrow(0, 0, 4).mean(new long[] { 0 }).unsqueeze(0)) < 1e-6);
        var types = tensor(new long[] { 0, 0, 1, 1, 0, 0 }, new long[] { 1, 6 });
        Assert.True(Torch.MaxAbsDiff(bert.Forward(ids, ids.ne(0), types), bert.call(ids)) > 1e-4);
    }

    [Fact]
    public void Bad_inputs_are_refused_with_what_to_do()
    {
        using var _ = Torch.Scope(seed: 4);
        using var bert = new BertModel(Small);
        var tooLong = Assert.Throws<ArgumentException>(() => bert.call(ones(1, 13, dtype: ScalarType.Int64)));
        Assert.Contains("13 tokens exceed the 12 positions", tooLong.Message);
        Assert.Contains("must be int64 [batch, tokens]", Assert.Throws<ArgumentException>(() => bert.call(ones(1, 4))).Message);
        var ids = ones(2, 4, dtype: ScalarType.Int64);
        Assert.Contains("must have the token ids' shape", Assert.Throws<ArgumentException>(() => bert.Forward(ids, ones(2, 5))).Message);
        Assert.Contains("needs the pooler", Assert.Throws<ArgumentException>(() => new BertModel(Small with { Pooler = false, Pooling = BertPooling.Pooler })).Message);
        Assert.Contains("must be positive and divide HiddenSize 16", Assert.Throws<ArgumentException>(() => new BertModel(Small with { NumHeads = 5 })).Message);
    }
}
