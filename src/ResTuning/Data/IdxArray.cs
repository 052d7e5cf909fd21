namespace ResTuning.Data;

/// <summary>The contents of one IDX file: its dimensions and its unsigned-byte elements in row-major order.</summary>
public sealed class IdxArray
{
    /// <summary>Creates an array; <paramref name="data"/> must hold exactly the product of <paramref name="shape"/> bytes.</summary>
    /// <exception cref="ArgumentException">The shape is empty, has a negative dimension, or does not match the data length.</exception>
    public IdxArray(int[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Length is 0 or > 255 || shape.Any(d => d < 0))
            throw new ArgumentException($"An IDX shape needs 1 to 255 non-negative dimensions (got [{string.Join(", ", shape)}]).", nameof(shape));
        var elements = shape.Aggregate(1L, (product, d) => product * d);
        if (elements != data.LongLength)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {elements} elements but {data.LongLength} bytes were given.", nameof(data));
        Shape = shape;
        Data = data;
    }

    /// <summary>Dimensions, outermost first (e.g. <c>[60000, 28, 28]</c> for images, <c>[60000]</c> for labels).</summary>
    public int[] Shape { get; }

    /// <summary>The elements, row-major.</summary>
    public byte[] Data { get; }

    /// <summary>The first dimension: the number of items (images or labels).</summary>
    public int Count => Shape[0];
}
