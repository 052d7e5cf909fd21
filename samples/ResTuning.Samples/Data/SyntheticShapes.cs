using static TorchSharp.torch;

namespace ResTuning.Samples.Data;

/// <summary>
/// Procedural image-classification tasks (no download needed). The <see cref="ShapeTask.Source"/>
/// task pretrains the backbone; the <see cref="ShapeTask.Downstream"/> task asks for different labels
/// on differently coloured images, so the pretrained features help but do not solve it.
/// </summary>
public static class SyntheticShapes
{
    /// <summary>Number of classes of a task.</summary>
    public static int Classes(ShapeTask task) => task == ShapeTask.Source ? 8 : 6;

    /// <summary>Class names of a task, in label order.</summary>
    public static string[] ClassNames(ShapeTask task) => task == ShapeTask.Source
        ? new[] { "circle", "square", "triangle", "cross", "circle-outline", "square-outline", "triangle-outline", "cross-outline" }
        : new[] { "small-circle", "large-circle", "small-square", "large-square", "small-triangle", "large-triangle" };

    /// <summary>Makes <paramref name="count"/> images <c>[N, 3, S, S]</c> (roughly zero-mean) and labels <c>[N]</c>.</summary>
    public static LabeledImages Generate(ShapeTask task, int count, int imageSize, int seed)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var n = count;
        var labels = randint(0, Classes(task), new long[] { n }, generator: generator);
        Tensor shape, outline, radius;
        if (task == ShapeTask.Source)
        {
            shape = labels.remainder(4);
            outline = labels.ge(4);
            radius = rand(n, generator: generator) * 0.15 + 0.2;
        }
        else
        {
            shape = labels.div(2, rounding_mode: RoundingMode.floor);
            outline = zeros(n, ScalarType.Bool);
            var large = labels.remainder(2).to(ScalarType.Float32);
            radius = 0.12 + large * 0.16 + rand(n, generator: generator) * 0.05;
        }

        var cx = 0.5 + (rand(n, generator: generator) - 0.5) * (1 - 2 * radius) * 0.9;
        var cy = 0.5 + (rand(n, generator: generator) - 0.5) * (1 - 2 * radius) * 0.9;
        var images = Render(shape, outline, radius, cx, cy, warm: task == ShapeTask.Source, imageSize, generator);
        return new LabeledImages(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), Classes(task), ClassNames(task));
    }

    /// <summary>
    /// Makes <paramref name="count"/> images of random shapes (any of the four, solid or outlined, any size and place,
    /// cool colours) with the attributes that drew them, for tasks that label the same images differently.
    /// </summary>
    public static ShapeScenes Scenes(int count, int imageSize, int seed)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var shape = randint(0, 4, new long[] { count }, generator: generator);
        var outline = rand(count, generator: generator).lt(0.5);
        var radius = rand(count, generator: generator) * 0.22 + 0.12;
        var cx = 0.5 + (rand(count, generator: generator) - 0.5) * (1 - 2 * radius) * 0.9;
        var cy = 0.5 + (rand(count, generator: generator) - 0.5) * (1 - 2 * radius) * 0.9;
        var images = Render(shape, outline, radius, cx, cy, warm: false, imageSize, generator);
        return new ShapeScenes(images.MoveToOuterDisposeScope(), shape.MoveToOuterDisposeScope(), outline.MoveToOuterDisposeScope(),
            radius.MoveToOuterDisposeScope(), cx.MoveToOuterDisposeScope(), cy.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Makes <paramref name="count"/> images of random shapes of one style: warm or cool colours, solid or outlined,
    /// radius in [0.2, 0.4) of the side (the styles of the generative sample).
    /// </summary>
    public static Tensor Styled(int count, int imageSize, int seed, bool warm, bool outlined)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var shape = randint(0, 4, new long[] { count }, generator: generator);
        var outline = full(count, outlined, ScalarType.Bool);
        var radius = rand(count, generator: generator) * 0.2 + 0.2;
        var cx = 0.5 + (rand(count, generator: generator) - 0.5) * (1 - 2 * radius) * 0.9;
        var cy = 0.5 + (rand(count, generator: generator) - 0.5) * (1 - 2 * radius) * 0.9;
        return Render(shape, outline, radius, cx, cy, warm, imageSize, generator).MoveToOuterDisposeScope();
    }

    /// <summary>Draws one shape per image on a noisy background; <paramref name="warm"/> picks the source task's colours.</summary>
    private static Tensor Render(Tensor shape, Tensor outline, Tensor radius, Tensor centreX, Tensor centreY, bool warm, int imageSize, Generator generator)
    {
        var n = shape.shape[0];
        var r = radius.view(n, 1, 1);
        var cx = centreX.view(n, 1, 1);
        var cy = centreY.view(n, 1, 1);
        var axis = (arange(imageSize, ScalarType.Float32) + 0.5) / imageSize;
        var x = axis.view(1, 1, imageSize);
        var y = axis.view(1, imageSize, 1);

        var outer = Mask(shape, x - cx, y - cy, r);
        var inner = Mask(shape, x - cx, y - cy, r * 0.55);
        var mask = where(outline.view(n, 1, 1), outer.logical_and(inner.logical_not()), outer).to(ScalarType.Float32);

        // Source colours are warm, downstream colours cool: the downstream task is a real shift.
        var colour = rand(new long[] { n, 3, 1, 1 }, generator: generator) * 0.5;
        colour = warm
            ? cat(new[] { colour.narrow(1, 0, 1) + 0.5, colour.narrow(1, 1, 1), colour.narrow(1, 2, 1) * 0.3 }, 1)
            : cat(new[] { colour.narrow(1, 0, 1) * 0.3, colour.narrow(1, 1, 1), colour.narrow(1, 2, 1) + 0.5 }, 1);
        var background = randn(new long[] { n, 3, imageSize, imageSize }, generator: generator) * 0.08;
        return background + mask.unsqueeze(1) * colour - 0.25;
    }

    private static Tensor Mask(Tensor shape, Tensor dx, Tensor dy, Tensor r)
    {
        var s = shape.view(-1, 1, 1);
        var circle = (dx * dx + dy * dy).lt(r * r);
        var square = dx.abs().lt(r * 0.85).logical_and(dy.abs().lt(r * 0.85));
        // Upward triangle: inside when below the apex and within the widening sides.
        var top = dy.gt(-r).logical_and(dy.lt(r * 0.8));
        var triangle = top.logical_and(dx.abs().lt((dy + r) * 0.6));
        var bar = r / 3;
        var cross = dx.abs().lt(bar).logical_and(dy.abs().lt(r)).logical_or(dy.abs().lt(bar).logical_and(dx.abs().lt(r)));
        return where(s.eq(0), circle, where(s.eq(1), square, where(s.eq(2), triangle, cross)));
    }
}

/// <summary>The two synthetic tasks.</summary>
public enum ShapeTask
{
    /// <summary>8 classes: four shapes, solid or outlined, warm colours (pretraining).</summary>
    Source,

    /// <summary>6 classes: three shapes, small or large, cool colours (fine-tuning).</summary>
    Downstream,
}
