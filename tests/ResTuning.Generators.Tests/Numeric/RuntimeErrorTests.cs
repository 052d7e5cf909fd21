using static TorchSharp.torch;

namespace ResTuning.Generators.Tests.Numeric;

/// <summary>
/// Errors the generated code can only meet at run time name the tap they concern: an index or range past the end of a
/// list whose length the generator could not know, and a tuner whose shape does not fit its tap.
/// </summary>
public sealed class RuntimeErrorTests
{
    public RuntimeErrorTests() => ResTuning.Native.TorchNatives.Initialize();

    [Fact]
    public void An_index_in_bounds_of_an_uncounted_list_builds_and_tunes_that_block()
    {
        var backbone = new NumUncounted();
        using var model = new NumIndexInBounds(backbone);
        Assert.Equal(new[] { "blocks.1.mlp" }, model.Taps.Taps.Select(t => t.Path));
        Assert.Same(backbone.blocks[1].mlp, model.Taps["blocks.1.mlp"].Operator);
        Assert.Equal(new long[] { 2, 3, NumBackbone.Width }, model.call(randn(2, 3, NumBackbone.Width)).shape);
    }

    [Fact]
    public void An_index_past_the_end_of_an_uncounted_list_names_the_tap_the_index_and_the_length()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new NumIndexPastEnd(new NumUncounted()));
        Assert.Equal("Tap 'blocks.5.mlp': index 5 is out of bounds; 'blocks' has 2 elements in this backbone.", error.Message);
    }

    [Fact]
    public void A_range_past_the_end_of_an_uncounted_list_names_the_tap_the_range_and_the_length()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new NumRangePastEnd(new NumUncounted()));
        Assert.Equal("Tap 'blocks.1..4.mlp': range 1..4 is out of bounds; 'blocks' has 2 elements in this backbone.", error.Message);
    }

    [Fact]
    public void An_index_past_the_end_of_a_sequential_names_the_tap()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new NumSequentialPastEnd(new NumSequential()));
        Assert.Equal("Tap 'layers.7': index 7 is out of bounds; 'layers' has 3 elements in this backbone.", error.Message);
    }

    [Fact]
    public void A_tuner_shape_mismatch_names_the_tap_the_tuner_and_both_shapes()
    {
        using var model = new NumWrongWidth(new NumBackbone());
        var error = Assert.Throws<TunerShapeException>(() => model.call(randn(2, 3, NumBackbone.Width)));
        Assert.Equal("blocks.0.mlp", error.Tap);
        Assert.Equal("adapter", error.Where);
        Assert.StartsWith("Tap 'blocks.0.mlp': adapter: input shape [2, 3, 8] does not match the expected [*, *, 16].", error.Message, StringComparison.Ordinal);
        Assert.IsType<TunerShapeException>(error.InnerException);
    }
}
