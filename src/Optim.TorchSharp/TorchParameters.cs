using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using static TorchSharp.torch;

namespace ScratchOptim.TorchSharp;

/// <summary>
/// TorchSharp tensors as ScratchOptim <see cref="ScratchOptim.Parameter"/>s, in the order given (a module's
/// <c>named_parameters()</c>), each named as there. Each parameter's values are the tensor's own memory: an optimizer
/// over them writes the tensor in place. Pass them, or a selection of them, to any optimizer's constructor and
/// <see cref="Optimizer{THyper}.AddParamGroup"/> inside <see cref="TorchOptimizer.Create{TOptimizer}(nn.Module, Func{TorchParameters, TOptimizer})"/>.
/// </summary>
public sealed class TorchParameters : IReadOnlyList<Parameter>
{
    private readonly TensorBinding[] bindings;
    private readonly Dictionary<Parameter, TensorBinding> byParameter = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, TensorBinding> byName = new(StringComparer.Ordinal);

    internal TorchParameters(IEnumerable<(string Name, Tensor Tensor)> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = new List<TensorBinding>();
        foreach (var (name, tensor) in tensors)
        {
            var binding = TensorBinding.Create(name, tensor);
            if (!byName.TryAdd(name, binding))
                throw new ArgumentException($"Two parameters are named '{name}'; each needs its own name (it names the parameter in messages and state files).", nameof(tensors));
            byParameter.Add(binding.Parameter, binding);
            list.Add(binding);
        }
        if (list.Count == 0)
            throw new ArgumentException("There are no parameters to optimize.", nameof(tensors));
        bindings = [.. list];
    }

    /// <summary>The number of parameters.</summary>
    public int Count => bindings.Length;

    /// <summary>The parameter at <paramref name="index"/>.</summary>
    public Parameter this[int index] => bindings[index].Parameter;

    /// <summary>The parameter called <paramref name="name"/> (as <c>named_parameters()</c> names it, e.g. <c>"fc1.weight"</c>).</summary>
    /// <exception cref="KeyNotFoundException">There is no parameter of that name.</exception>
    public Parameter this[string name] => TryGet(name, out var parameter)
        ? parameter
        : throw new KeyNotFoundException($"There is no parameter named '{name}'; the parameters are {string.Join(", ", byName.Keys)}.");

    /// <summary>Looks up the parameter called <paramref name="name"/>.</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out Parameter? parameter)
    {
        ArgumentNullException.ThrowIfNull(name);
        parameter = byName.TryGetValue(name, out var binding) ? binding.Parameter : null;
        return parameter is not null;
    }

    /// <summary>The TorchSharp tensor that <paramref name="parameter"/> views.</summary>
    /// <exception cref="ArgumentException">The parameter is not one of these.</exception>
    public Tensor TensorOf(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return TryGetBinding(parameter, out var binding)
            ? binding.Tensor
            : throw new ArgumentException($"Parameter '{parameter}' does not view one of these tensors.", nameof(parameter));
    }

    /// <inheritdoc/>
    public IEnumerator<Parameter> GetEnumerator()
    {
        foreach (var binding in bindings) yield return binding.Parameter;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Every tensor's binding, in order.</summary>
    internal IReadOnlyList<TensorBinding> Bindings => bindings;

    internal bool TryGetBinding(Parameter parameter, [NotNullWhen(true)] out TensorBinding? binding) =>
        byParameter.TryGetValue(parameter, out binding);
}
