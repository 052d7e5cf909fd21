using System;
using System.IO;
using System.Linq;
using System.Text;

namespace ResTuning.Tests;

/// <summary>The one atomic-write helper every writer uses: all or nothing, no temporaries left, stale ones cleaned.</summary>
public class AtomicFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("restuning-atomic-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_write_that_fails_halfway_leaves_the_old_file_and_no_temporary()
    {
        var path = Path.Combine(folder, "results.json");
        AtomicFile.WriteText(path, "old");
        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes("half of the new"));
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("disk full", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(new[] { "results.json" }, Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
    }

    [Fact]
    public void A_write_replaces_the_file_creates_its_folder_and_removes_only_stale_temporaries_of_that_file()
    {
        var path = Path.Combine(folder, "sub", "a.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var stale = Path.Combine(folder, "sub", $".a.bin.{Guid.NewGuid():N}.tmp");
        var fresh = Path.Combine(folder, "sub", $".a.bin.{Guid.NewGuid():N}.tmp");
        var otherFiles = Path.Combine(folder, "sub", $".b.bin.{Guid.NewGuid():N}.tmp");
        foreach (var file in new[] { stale, fresh, otherFiles }) File.WriteAllText(file, "left by a killed write");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - AtomicFile.StaleAfter - TimeSpan.FromSeconds(1));
        File.SetLastWriteTimeUtc(otherFiles, DateTime.UtcNow - AtomicFile.StaleAfter - TimeSpan.FromSeconds(1));

        AtomicFile.Write(path, new byte[] { 1, 2, 3 });
        AtomicFile.Write(path, new byte[] { 4, 5 });

        Assert.Equal(new byte[] { 4, 5 }, File.ReadAllBytes(path));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh)); // possibly a write still running
        Assert.True(File.Exists(otherFiles)); // another destination's
    }

    [Fact]
    public void A_folder_path_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => AtomicFile.WriteText(folder + Path.DirectorySeparatorChar, "x"));
        Assert.Contains("names a folder", error.Message);
    }
}
