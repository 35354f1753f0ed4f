using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace ScratchOptim.TorchSharp;

/// <summary>
/// A ScratchOptim optimizer stepping TorchSharp tensors in place, as <c>torch.optim</c> does: <see cref="ZeroGrad"/>,
/// <c>loss.backward()</c>, <see cref="Step"/>. The optimizer's kernels read each tensor's <c>grad</c> and write its
/// values through spans over LibTorch's own memory: nothing is copied. Hyperparameters, parameter groups, schedules
/// and state (<see cref="ScratchOptim.Optimizer.SaveState(System.IO.Stream)"/>, <see cref="ScratchOptim.Optimizer.LoadState(System.IO.Stream)"/>)
/// are the <see cref="Optimizer"/>'s. Create one with <see cref="Create{TOptimizer}(nn.Module, Func{TorchParameters, TOptimizer})"/>.
/// </summary>
public class TorchOptimizer
{
    private readonly List<TensorBinding> bound = [];
    private bool gradientsBound;

    private protected TorchOptimizer(TorchParameters parameters, Optimizer optimizer)
    {
        Parameters = parameters;
        Optimizer = optimizer;
        bool any = false;
        foreach (var parameter in optimizer.Parameters)
        {
            if (parameters.TryGetBinding(parameter, out _)) any = true;
            else CheckNotAnotherOptimizers(parameter);
        }
        if (!any)
            throw new ArgumentException($"{optimizer.Info.Name} holds none of the tensors' parameters; create it over the parameters it is given.", nameof(optimizer));
    }

    /// <summary>
    /// Creates a ScratchOptim optimizer over the parameters of <paramref name="module"/>
    /// (<c>named_parameters()</c>): <paramref name="create"/> gets them as <see cref="Parameter"/>s named as there
    /// and returns the optimizer, with any parameter groups it wants.
    /// </summary>
    /// <example>
    /// <code>
    /// var optimizer = TorchOptimizer.Create(model, parameters => new AdamW(parameters, lr: 1e-3));
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException">A parameter cannot be stepped in place (see the message), or the optimizer holds none of them.</exception>
    /// <exception cref="NotSupportedException">A parameter is not in CPU memory, or not float32 or float64.</exception>
    public static TorchOptimizer<TOptimizer> Create<TOptimizer>(nn.Module module, Func<TorchParameters, TOptimizer> create)
        where TOptimizer : Optimizer
    {
        ArgumentNullException.ThrowIfNull(module);
        return Create(module.named_parameters().Select(named => (named.name, (Tensor)named.parameter)), create);
    }

    /// <summary>
    /// Creates a ScratchOptim optimizer over named tensors: leaf tensors in CPU memory, contiguous, float32 or float64.
    /// <paramref name="create"/> gets them as <see cref="Parameter"/>s and returns the optimizer.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor cannot be stepped in place (see the message), two share a name, or the optimizer holds none of them.</exception>
    /// <exception cref="NotSupportedException">A tensor is not in CPU memory, or not float32 or float64.</exception>
    public static TorchOptimizer<TOptimizer> Create<TOptimizer>(IEnumerable<(string Name, Tensor Tensor)> tensors, Func<TorchParameters, TOptimizer> create)
        where TOptimizer : Optimizer
    {
        ArgumentNullException.ThrowIfNull(create);
        var parameters = new TorchParameters(tensors);
        var optimizer = create(parameters) ?? throw new ArgumentException("The create function returned null; it must return the optimizer.", nameof(create));
        return new TorchOptimizer<TOptimizer>(parameters, optimizer);
    }

    /// <summary>
    /// The ScratchOptim optimizer: its groups' hyperparameters (to change between steps, or for a learning-rate
    /// schedule), its state, <see cref="ScratchOptim.Optimizer.SaveState(System.IO.Stream)"/> and <see cref="ScratchOptim.Optimizer.LoadState(System.IO.Stream)"/>.
    /// Step through <see cref="Step"/>: outside it and <see cref="WithGradients{TResult}(Func{TorchParameters, TResult})"/>
    /// the parameters over tensors have no gradient, so the optimizer's own <see cref="ScratchOptim.Optimizer.Step"/>
    /// skips them, as PyTorch skips a parameter whose <c>grad</c> is None.
    /// </summary>
    public Optimizer Optimizer { get; }

    /// <summary>The tensors as ScratchOptim parameters, by position or by name.</summary>
    public TorchParameters Parameters { get; }

    /// <summary>
    /// Updates every tensor in the optimizer that has a gradient, in place. Every tensor and gradient is checked
    /// before anything is written: when one no longer fits, nothing is updated. Each updated tensor's version
    /// counter advances, as with torch.optim's in-place updates, so autograd refuses a graph that saved its old values.
    /// </summary>
    /// <exception cref="ObjectDisposedException">A tensor has been disposed.</exception>
    /// <exception cref="InvalidOperationException">
    /// A tensor or its gradient has changed device, dtype, shape or layout since the optimizer was created, or a step
    /// count is at its limit; nothing was updated.
    /// </exception>
    public void Step() => WithBound(OptimizerBindings(), bound =>
    {
        Optimizer.Step();
        foreach (var binding in bound)
        {
            if (binding.Parameter.HasGrad) binding.MarkWritten();
        }
    });

    /// <summary>
    /// Runs <paramref name="use"/> with every tensor's current <c>grad</c> viewed by its parameter, as during
    /// <see cref="Step"/>; outside both, the parameters have no gradient. ScratchOptim code that reads or writes
    /// gradients before a step goes here, clipping above all:
    /// <code>double norm = optimizer.WithGradients(parameters => GradientClipping.ClipGradNorm(parameters, maxNorm: 1.0));</code>
    /// Every tensor of <see cref="Parameters"/> (not only the optimizer's) and its gradient are checked as
    /// <see cref="Step"/> checks them before <paramref name="use"/> runs.
    /// </summary>
    /// <exception cref="ObjectDisposedException">A tensor has been disposed.</exception>
    /// <exception cref="InvalidOperationException">
    /// A tensor or its gradient has changed device, dtype, shape or layout since the optimizer was created, or
    /// <paramref name="use"/> called <see cref="Step"/> or <see cref="WithGradients{TResult}(Func{TorchParameters, TResult})"/>
    /// (the gradients are bound once).
    /// </exception>
    public TResult WithGradients<TResult>(Func<TorchParameters, TResult> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        TResult result = default!;
        WithBound(Parameters.Bindings, _ => result = use(Parameters));
        return result;
    }

    /// <inheritdoc cref="WithGradients{TResult}(Func{TorchParameters, TResult})"/>
    public void WithGradients(Action<TorchParameters> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        WithBound(Parameters.Bindings, _ => use(Parameters));
    }

    /// <summary>The bindings of the optimizer's parameters, group by group; a parameter over another optimizer's tensor is refused.</summary>
    private IEnumerable<TensorBinding> OptimizerBindings()
    {
        for (int g = 0; g < Optimizer.GroupCount; g++)
        {
            var group = Optimizer.GroupParameters(g);
            for (int i = 0; i < group.Count; i++)
            {
                if (Parameters.TryGetBinding(group[i], out var binding)) yield return binding;
                else CheckNotAnotherOptimizers(group[i]);
            }
        }
    }

    /// <summary>
    /// Binds <paramref name="bindings"/> (gradients are looked up afresh: zero_grad(set_to_none) and backward()
    /// reallocate them), runs <paramref name="action"/> with those bound, and releases them, whatever happens.
    /// </summary>
    private void WithBound(IEnumerable<TensorBinding> bindings, Action<List<TensorBinding>> action)
    {
        if (gradientsBound)
            throw new InvalidOperationException("The gradients are already bound: Step and WithGradients cannot run inside WithGradients.");
        gradientsBound = true;
        try
        {
            foreach (var binding in bindings)
            {
                binding.Bind();
                bound.Add(binding);
            }
            action(bound);
        }
        finally
        {
            foreach (var binding in bound) binding.Release();
            bound.Clear();
            gradientsBound = false;
        }
    }

    /// <summary>
    /// Clears the gradients of the optimizer's tensors: sets <c>grad</c> to null (the default, as PyTorch 2.x and
    /// TorchSharp's <c>zero_grad()</c>), or with <paramref name="setToNone"/> false fills it with zeros in place.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        for (int g = 0; g < Optimizer.GroupCount; g++)
        {
            var group = Optimizer.GroupParameters(g);
            for (int i = 0; i < group.Count; i++)
            {
                if (!Parameters.TryGetBinding(group[i], out var binding)) continue;
                using var grad = binding.Tensor.grad;
                if (grad is null) continue;
                if (setToNone) binding.Tensor.grad = null;
                else grad.zero_();
            }
        }
    }

    /// <summary>
    /// A parameter over an array is stepped as usual; one over a tensor bound by another TorchOptimizer would never
    /// see its gradient here.
    /// </summary>
    private static void CheckNotAnotherOptimizers(Parameter parameter)
    {
        bool tensorView = parameter switch
        {
            Parameter<float> single => MemoryMarshal.TryGetMemoryManager<float, NativeView<float>>(single.Data, out _),
            Parameter<double> real => MemoryMarshal.TryGetMemoryManager<double, NativeView<double>>(real.Data, out _),
            _ => false,
        };
        if (tensorView)
            throw new InvalidOperationException($"Parameter '{parameter}' views a tensor of another TorchOptimizer's parameters, which binds its gradient only in its own Step. Create each optimizer over the parameters its create function is given.");
    }
}

/// <summary>A <see cref="TorchOptimizer"/> whose ScratchOptim optimizer is a <typeparamref name="TOptimizer"/>.</summary>
/// <typeparam name="TOptimizer">The ScratchOptim optimizer: <c>AdamW</c>, <c>SGD</c>, one of your own, ...</typeparam>
public sealed class TorchOptimizer<TOptimizer> : TorchOptimizer
    where TOptimizer : Optimizer
{
    internal TorchOptimizer(TorchParameters parameters, TOptimizer optimizer)
        : base(parameters, optimizer)
    {
    }

    /// <summary>The ScratchOptim optimizer, typed: its groups' hyperparameters by name (<c>ParamGroups[0].Hyper.Lr</c>).</summary>
    public new TOptimizer Optimizer => (TOptimizer)base.Optimizer;
}
