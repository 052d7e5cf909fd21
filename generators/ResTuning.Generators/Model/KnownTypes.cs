using Microsoft.CodeAnalysis;

namespace ResTuning.Generators.Model;

/// <summary>The TorchSharp and ResTuning types tap resolution needs, looked up once per transform.</summary>
internal sealed class KnownTypes
{
    public const string ModuleMetadataName = "TorchSharp.torch+nn+Module";
    public const string ModuleOfTMetadataName = "TorchSharp.torch+nn+Module`2";
    public const string ModuleOfT2MetadataName = "TorchSharp.torch+nn+Module`3";
    public const string TensorMetadataName = "TorchSharp.torch+Tensor";
    public const string ModuleListMetadataName = "TorchSharp.Modules.ModuleList`1";
    public const string ModuleDictMetadataName = "TorchSharp.Modules.ModuleDict`1";
    public const string SequentialMetadataName = "TorchSharp.Modules.Sequential";
    public const string LinearMetadataName = "TorchSharp.Modules.Linear";
    public const string ComponentNameMetadataName = "TorchSharp.Utils.ComponentNameAttribute";
    public const string AttentionOperatorMetadataName = "ResTuning.Operators.IAttentionOperator";
    public const string ModuleCountMetadataName = "ResTuning.ModuleCountAttribute";
    public const string TunerCheckpointMetadataName = "ResTuning.Checkpoints.TunerCheckpoint";

    public KnownTypes(Compilation compilation)
    {
        Module = compilation.GetTypeByMetadataName(ModuleMetadataName);
        ModuleOfT = compilation.GetTypeByMetadataName(ModuleOfTMetadataName);
        Tensor = compilation.GetTypeByMetadataName(TensorMetadataName);
        ModuleList = compilation.GetTypeByMetadataName(ModuleListMetadataName);
        ModuleDict = compilation.GetTypeByMetadataName(ModuleDictMetadataName);
        Sequential = compilation.GetTypeByMetadataName(SequentialMetadataName);
        Linear = compilation.GetTypeByMetadataName(LinearMetadataName);
        ComponentName = compilation.GetTypeByMetadataName(ComponentNameMetadataName);
        AttentionOperator = compilation.GetTypeByMetadataName(AttentionOperatorMetadataName);
        ModuleCount = compilation.GetTypeByMetadataName(ModuleCountMetadataName);
        HasTunerCheckpoint = compilation.GetTypeByMetadataName(TunerCheckpointMetadataName) is not null;
        TensorModule = ModuleOfT is not null && Tensor is not null ? ModuleOfT.Construct(Tensor, Tensor) : null;
        var moduleOfT2 = compilation.GetTypeByMetadataName(ModuleOfT2MetadataName);
        TwoInputTensorModule = moduleOfT2 is not null && Tensor is not null ? moduleOfT2.Construct(Tensor, Tensor, Tensor) : null;
    }

    public INamedTypeSymbol? Module { get; }
    public INamedTypeSymbol? ModuleOfT { get; }
    public INamedTypeSymbol? Tensor { get; }
    public INamedTypeSymbol? TensorModule { get; }

    /// <summary><c>nn.Module&lt;Tensor, Tensor, Tensor&gt;</c>: a backbone with two inputs (e.g. a denoiser's images and timesteps).</summary>
    public INamedTypeSymbol? TwoInputTensorModule { get; }
    public INamedTypeSymbol? ModuleList { get; }
    public INamedTypeSymbol? ModuleDict { get; }
    public INamedTypeSymbol? Sequential { get; }
    public INamedTypeSymbol? Linear { get; }
    public INamedTypeSymbol? ComponentName { get; }
    public INamedTypeSymbol? AttentionOperator { get; }
    public INamedTypeSymbol? ModuleCount { get; }
    public bool HasTunerCheckpoint { get; }

    public bool IsModule(ITypeSymbol? type) => Module is not null && DerivesFrom(type, Module);

    public bool IsTensorModule(ITypeSymbol? type) => TensorModule is not null && DerivesFrom(type, TensorModule);

    public bool IsTwoInputTensorModule(ITypeSymbol? type) => TwoInputTensorModule is not null && DerivesFrom(type, TwoInputTensorModule);

    public bool IsLinear(ITypeSymbol? type) => Linear is not null && DerivesFrom(type, Linear);

    public bool IsAttention(ITypeSymbol? type) =>
        AttentionOperator is not null && type is not null &&
        (SymbolEqualityComparer.Default.Equals(type, AttentionOperator) ||
         type.AllInterfaces.Contains(AttentionOperator, SymbolEqualityComparer.Default));

    public INamedTypeSymbol? ConstructedFrom(ITypeSymbol? type, INamedTypeSymbol? generic)
    {
        if (generic is null) return null;
        for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, generic)) return t;
        }
        return null;
    }

    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol baseType)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, baseType)) return true;
        }
        return false;
    }
}
