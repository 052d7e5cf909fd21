using System.Reflection;

namespace ResTuning.Generators.Model;

/// <summary>
/// Reads an <see cref="AttributeData"/> into an instance of the attribute's own type from ResTuning.Abstractions
/// (compiled into the generator), the way System.Text.Json's generator reads its options: constructor arguments
/// first, then every named argument onto the property of that name. What the user did not write keeps the
/// attribute's own default, so no default is ever written twice; values are not validated here (the parser checks
/// them and reports RT0008 with the argument's span).
/// </summary>
internal static class AttributeReader
{
    private static readonly Assembly Abstractions = typeof(TunerAttribute).Assembly;

    /// <summary>
    /// The attribute as a <typeparamref name="T"/>, or null when <paramref name="data"/> is not a ResTuning attribute of
    /// that type. Generic attributes are read with <see cref="object"/> for their type arguments (the parser reads
    /// those as symbols).
    /// </summary>
    public static T? Read<T>(AttributeData data)
        where T : Attribute
    {
        if (data.AttributeClass is not { } cls || cls.ContainingNamespace?.ToDisplayString() != ConfigurationParser.Namespace) return null;
        var type = Abstractions.GetType(typeof(TunerAttribute).Namespace + "." + cls.MetadataName);
        if (type is null) return null;
        if (type.IsGenericTypeDefinition) type = type.MakeGenericType(type.GetGenericArguments().Select(_ => typeof(object)).ToArray());
        if (!typeof(T).IsAssignableFrom(type)) return null;

        var constructor = type.GetConstructors().FirstOrDefault(c => c.GetParameters().Length == data.ConstructorArguments.Length);
        if (constructor is null) return null;
        var parameters = constructor.GetParameters();
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
            arguments[i] = Convert(data.ConstructorArguments[i], parameters[i].ParameterType);
        var instance = (T)constructor.Invoke(arguments);

        foreach (var pair in data.NamedArguments)
        {
            var property = type.GetProperty(pair.Key);
            if (property is not { CanWrite: true }) continue;
            // A value that does not convert is a compiler error already (CS0029, ...): the default stays.
            if (Convert(pair.Value, property.PropertyType) is { } value) property.SetValue(instance, value);
        }
        return instance;
    }

    private static object? Convert(TypedConstant constant, Type target)
    {
        if (constant.IsNull) return null;
        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        switch (constant.Kind)
        {
            case TypedConstantKind.Array when underlying.IsArray:
                var element = underlying.GetElementType()!;
                var values = constant.Values.Select(v => Convert(v, element)).ToArray();
                if (values.Any(v => v is null)) return null;
                var array = Array.CreateInstance(element, values.Length);
                for (var i = 0; i < values.Length; i++) array.SetValue(values[i], i);
                return array;
            case TypedConstantKind.Enum when underlying.IsEnum:
                return constant.Value is null ? null : Enum.ToObject(underlying, constant.Value);
            case TypedConstantKind.Primitive when constant.Value is IConvertible convertible && (underlying.IsPrimitive || underlying == typeof(string)):
                return System.Convert.ChangeType(convertible, underlying, System.Globalization.CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }
}
