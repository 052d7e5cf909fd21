using System.IO;
using System.IO.Compression;
using ResTuning.Data;
using TorchSharp;

namespace ResTuning.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("restuning-idx-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // A hand-written IDX file (independent of IdxFile.Write): 3 images of 2×2 and their labels.
    private static byte[] ImageBytes(int count = 3, int side = 2)
    {
        var bytes = new List<byte> { 0, 0, 0x08, 3, 0, 0, 0, (byte)count, 0, 0, 0, (byte)side, 0, 0, 0, (byte)side };
        for (var i = 0; i < count * side * side; i++) bytes.Add((byte)(i * 7));
        return bytes.ToArray();
    }

    private static byte[] LabelBytes(params byte[] labels) =>
        new byte[] { 0, 0, 0x08, 1, 0, 0, 0, (byte)labels.Length }.Concat(labels).ToArray();

    private string WriteFile(string name, byte[] bytes, bool gzip = false)
    {
        var path = Path.Combine(folder, name);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_plain_and_gzipped_files_with_their_shape_and_bytes(bool gzip)
    {
        var array = IdxFile.Read(WriteFile(gzip ? "images.gz" : "images", ImageBytes(), gzip));

        Assert.Equal(new[] { 3, 2, 2 }, array.Shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (byte)(i * 7)), array.Data);
    }

    [Fact]
    public void Images_and_labels_load_as_tensors_that_belong_together()
    {
        var set = IdxImageSet.Load(WriteFile("i.gz", ImageBytes(), gzip: true), WriteFile("l", LabelBytes(4, 0, 9)));

        Assert.Equal(new long[] { 3, 2, 2 }, set.Images.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Byte, set.Images.dtype);
        Assert.Equal(7 * 5, set.Images[1, 0, 1].ToByte());      // element 5 in row-major order
        Assert.Equal(new long[] { 4, 0, 9 }, set.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Write_then_read_round_trips()
    {
        var path = Path.Combine(folder, "round.gz");
        IdxFile.Write(path, new IdxArray(new[] { 2, 3 }, new byte[] { 1, 2, 3, 4, 5, 6 }));

        var array = IdxFile.Read(path);

        Assert.Equal(new[] { 2, 3 }, array.Shape);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, array.Data);
        Assert.Single(Directory.GetFiles(folder));   // no temporary file left
    }

    [Fact]
    public void Wrong_magic_number_is_refused_naming_the_file()
    {
        var bytes = ImageBytes();
        bytes[0] = 0x50;   // e.g. a PNG or text file
        var path = WriteFile("bad-magic", bytes);

        var error = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.Contains("wrong magic number", error.Message);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void An_element_type_other_than_unsigned_bytes_is_refused()
    {
        var bytes = ImageBytes();
        bytes[2] = 0x0D;   // float
        var error = Assert.Throws<IdxFormatException>(() => IdxFile.Read(WriteFile("float", bytes)));
        Assert.Contains("element type 0x0d", error.Message);
    }

    [Theory]
    [InlineData(2, "shorter than the 4-byte IDX magic number")]
    [InlineData(10, "truncated header")]
    [InlineData(20, "needs 12 bytes of data, the file holds 4")]
    public void Truncated_files_are_refused(int keep, string expected)
    {
        var path = WriteFile("cut", ImageBytes().Take(keep).ToArray());
        var error = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_cut_gzip_stream_is_refused()
    {
        var whole = File.ReadAllBytes(WriteFile("whole.gz", ImageBytes(count: 40, side: 20), gzip: true));
        var path = WriteFile("cut.gz", whole.Take(whole.Length / 2).ToArray());

        Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));
    }

    [Fact]
    public void Image_and_label_counts_that_disagree_are_refused()
    {
        var error = Assert.Throws<IdxFormatException>(() =>
            IdxImageSet.Load(WriteFile("i", ImageBytes()), WriteFile("l", LabelBytes(1, 2))));

        Assert.Contains("holds 2 labels but", error.Message);
        Assert.Contains("3 images", error.Message);
    }

    [Fact]
    public void Swapped_image_and_label_files_are_refused()
    {
        var error = Assert.Throws<IdxFormatException>(() =>
            IdxImageSet.Load(WriteFile("l", LabelBytes(1, 2, 3)), WriteFile("i", ImageBytes())));
        Assert.Contains("swapped", error.Message);
    }

    [Fact]
    public void A_missing_file_is_a_file_not_found_error()
    {
        Assert.Throws<FileNotFoundException>(() => IdxFile.Read(Path.Combine(folder, "nope.gz")));
        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(folder, train: true));
        Assert.Contains(FashionMnist.DebianPackage, error.Message);
    }

    [Fact]
    public void WithClasses_keeps_the_named_classes_relabelled_in_order()
    {
        var set = IdxImageSet.Load(WriteFile("i", ImageBytes()), WriteFile("l", LabelBytes(7, 2, 5)));

        var picked = set.WithClasses(5, 7);

        Assert.Equal(new long[] { 1, 0 }, picked.Labels.data<long>().ToArray());   // 7 -> 1, 5 -> 0; image order kept
        Assert.Equal(set.Images[0].data<byte>().ToArray(), picked.Images[0].data<byte>().ToArray());
        Assert.Equal(set.Images[2].data<byte>().ToArray(), picked.Images[1].data<byte>().ToArray());
    }
}
