using System.IO;

namespace ResTuning.Onnx.Tests;

/// <summary>Where the model packages' files are looked for: NuGet's global packages folders in order, lower-case id and version.</summary>
public sealed class PackageFilesTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"restuning-packagefiles-{Guid.NewGuid():N}");

    [Fact]
    public void The_first_folder_holding_the_file_wins_and_ids_are_lower_case()
    {
        string first = Path.Combine(root, "first"), second = Path.Combine(root, "second"), third = Path.Combine(root, "third");
        foreach (var folder in new[] { second, third })
        {
            var file = Path.Combine(folder, "some.package", "1.2.3-beta", "lib", "model.bin");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "x");
        }

        var found = PackageFiles.Locate("Some.Package", "1.2.3-BETA", "lib/model.bin", new[] { null, first, "", second, third });

        Assert.Equal(Path.Combine(second, "some.package", "1.2.3-beta", "lib", "model.bin"), Path.GetFullPath(found));
    }

    [Fact]
    public void A_folder_of_the_package_counts_as_found()
    {
        var folder = Path.Combine(root, "b", "some.package", "1.0.0", "tools", "Models");
        Directory.CreateDirectory(folder);

        var found = PackageFiles.Locate("Some.Package", "1.0.0", "tools/Models", new[] { Path.Combine(root, "a"), Path.Combine(root, "b") });

        Assert.Equal(folder, Path.GetFullPath(found));
    }

    [Fact]
    public void When_no_folder_has_it_the_path_under_the_first_folder_is_named_and_the_error_gives_the_PackageDownload_line()
    {
        var expected = Path.Combine(root, "a", "some.package", "1.0.0", "model.onnx");

        var path = PackageFiles.Locate("Some.Package", "1.0.0", "model.onnx", new[] { Path.Combine(root, "a"), Path.Combine(root, "b") });
        var error = PackageFiles.Missing(path, "Some.Package", "1.0.0", "pass a path");

        Assert.Equal(expected, path);
        Assert.Contains($"'{expected}' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("<PackageDownload Include=\"Some.Package\" Version=\"[1.0.0]\" />", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_search_order_is_the_build_folder_then_NUGET_PACKAGES_then_the_users_default_folder()
    {
        var folders = PackageFiles.PackagesFolders().ToList();

        Assert.Equal(3, folders.Count);
        Assert.Equal(Environment.GetEnvironmentVariable("NUGET_PACKAGES"), folders[1]);
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), folders[2]);
        Assert.False(string.IsNullOrEmpty(folders[0]), "The build did not record its NuGet package root in ResTuning.Onnx's metadata.");
        Assert.True(File.Exists(Path.Combine(ImageNetResNet18.DefaultModelFolder, ImageNetResNet18.ModelFile)),
            $"The ImageNet model was not found under '{ImageNetResNet18.DefaultModelFolder}'.");
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
