using System;
using System.Globalization;
using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace ScratchOptim.TorchSharp;

/// <summary>
/// One TorchSharp tensor seen as a ScratchOptim <see cref="ScratchOptim.Parameter"/>: the parameter's values are a
/// view of the tensor's memory, and its gradient, during <see cref="TorchOptimizer.Step"/> only, a view of
/// the tensor's current <c>grad</c>. Holds the tensor, so the memory stays alive while the optimizer does.
/// </summary>
internal abstract class TensorBinding
{
    private protected TensorBinding(string name, Tensor tensor, ScalarType dtype, int[] shape)
    {
        Name = name;
        Tensor = tensor;
        DType = dtype;
        Shape = shape;
    }

    /// <summary>The name from <c>named_parameters</c>, which is also the <see cref="ScratchOptim.Parameter.Name"/>.</summary>
    public string Name { get; }

    /// <summary>The TorchSharp tensor.</summary>
    public Tensor Tensor { get; }

    /// <summary>The ScratchOptim parameter over the tensor's memory.</summary>
    public abstract Parameter Parameter { get; }

    private protected ScalarType DType { get; }

    private protected int[] Shape { get; }

    /// <summary>
    /// Makes a binding for <paramref name="tensor"/>, or says why ScratchOptim cannot step it in place.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is disposed, sparse, not a leaf, not contiguous, or larger than a span can view.</exception>
    /// <exception cref="NotSupportedException">The tensor is not in CPU memory, or its elements are neither float32 nor float64.</exception>
    public static TensorBinding Create(string name, Tensor tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.IsInvalid)
            throw new ArgumentException($"Parameter '{name}': the tensor has been disposed.", nameof(tensor));
        if (tensor.device_type != DeviceType.CPU)
            throw new NotSupportedException($"Parameter '{name}' is on {tensor.device}; ScratchOptim steps tensors in CPU memory. Create the optimizer for a module on the CPU.");
        var dtype = tensor.dtype;
        if (dtype != ScalarType.Float32 && dtype != ScalarType.Float64)
            throw new NotSupportedException($"Parameter '{name}' holds {dtype} elements; ScratchOptim steps float32 and float64 tensors (module.to(torch.float32) converts a module).");
        if (tensor.is_sparse)
            throw new ArgumentException($"Parameter '{name}' is a sparse tensor; ScratchOptim steps dense tensors.", nameof(tensor));
        if (!tensor.is_leaf)
            throw new ArgumentException($"Parameter '{name}' is not a leaf tensor: it is computed from other tensors, so backward() never fills its grad. Optimize the tensors it is computed from (torch.optim refuses it too).", nameof(tensor));
        if (!tensor.is_contiguous())
            throw new ArgumentException($"Parameter '{name}' is not contiguous (shape [{string.Join(", ", tensor.shape)}], strides [{string.Join(", ", tensor.stride())}]): a span over its memory would not visit its elements in order. Give the module a contiguous copy first.", nameof(tensor));

        long count = tensor.numel();
        long bytes = count * tensor.ElementSize;
        if (bytes > int.MaxValue)
            throw new ArgumentException($"Parameter '{name}' holds {bytes.ToString(CultureInfo.InvariantCulture)} bytes; TorchSharp views at most {int.MaxValue} bytes of a tensor as a span.", nameof(tensor));
        var shape = new int[tensor.ndim];
        for (int i = 0; i < shape.Length; i++) shape[i] = (int)tensor.size(i);

        return dtype == ScalarType.Float32
            ? new TensorBinding<float>(name, tensor, dtype, shape)
            : new TensorBinding<double>(name, tensor, dtype, shape);
    }

    /// <summary>
    /// Checks that the tensor and its gradient still fit what the optimizer was created for, then points the
    /// parameter at the tensor's memory and at its current gradient (none when <c>grad</c> is null). The gradient
    /// tensor is held until <see cref="Release"/>, so LibTorch cannot free it while the kernel reads it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The tensor has been disposed (with its module, say).</exception>
    /// <exception cref="InvalidOperationException">The tensor or its gradient no longer fits (device, dtype, shape, layout); nothing is bound.</exception>
    public abstract void Bind();

    /// <summary>Removes the gradient view and lets go of the gradient tensor.</summary>
    public abstract void Release();

    /// <summary>
    /// Advances the tensor's version counter, as torch.optim's in-place updates do, after the kernels wrote its memory
    /// (which LibTorch does not see): autograd then refuses to backpropagate through a graph that saved the old values
    /// ("modified by an inplace operation") instead of silently using the new ones. An in-place operation on an
    /// empty view of the tensor does it without touching an element: views share their base's counter.
    /// </summary>
    public void MarkWritten()
    {
        using var noGrad = no_grad();
        using var flat = Tensor.flatten();
        using var none = flat.narrow(0, 0, 0);
        none.zero_();
    }

    /// <summary>Throws unless <paramref name="tensor"/> (the parameter, or its gradient) still fits.</summary>
    private protected void CheckFits(Tensor tensor, bool gradient)
    {
        if (tensor.device_type != DeviceType.CPU) throw Changed($"is on {tensor.device}", gradient);
        if (tensor.dtype != DType) throw Changed($"holds {tensor.dtype} elements, not {DType}", gradient);
        if (tensor.is_sparse) throw Changed("is sparse", gradient);
        bool sameShape = tensor.ndim == Shape.Length;
        for (int i = 0; sameShape && i < Shape.Length; i++) sameShape = tensor.size(i) == Shape[i];
        if (!sameShape) throw Changed($"has shape [{string.Join(", ", tensor.shape)}], not [{string.Join(", ", Shape)}]", gradient);
        if (!tensor.is_contiguous()) throw Changed("is not contiguous", gradient);
    }

    private protected InvalidOperationException Changed(string how, bool gradient) => new($"Parameter '{Name}': {(gradient ? "its gradient" : "the tensor")} {how}. " + (gradient
        ? "A gradient must be a dense, contiguous tensor of the parameter's dtype and shape in CPU memory, as backward() makes it; nothing was updated."
        : "ScratchOptim steps each tensor in place in the layout it had when the optimizer was created; create the optimizer again (and load its saved state) after converting or moving the module."));
}

/// <summary>A binding of a tensor of <typeparamref name="T"/> elements (float32 or float64).</summary>
internal sealed class TensorBinding<T> : TensorBinding
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly NativeView<T> data;
    private readonly NativeView<T> grad;
    private readonly Parameter<T> parameter;
    private readonly int length;
    private Tensor? heldGrad;

    public TensorBinding(string name, Tensor tensor, ScalarType dtype, int[] shape)
        : base(name, tensor, dtype, shape)
    {
        length = checked((int)tensor.numel());
        data = new NativeView<T>(length, CurrentValues);
        grad = new NativeView<T>(length);
        parameter = new Parameter<T>(data.Memory, shape, name);
    }

    public override Parameter Parameter => parameter;

    public override void Bind()
    {
        if (Tensor.IsInvalid)
            throw new ObjectDisposedException(Name, $"Parameter '{Name}': its tensor has been disposed (with its module?); the optimizer cannot step it.");
        CheckFits(Tensor, gradient: false);
        var current = Tensor.grad;
        if (current is not null)
        {
            try
            {
                CheckFits(current, gradient: true);
            }
            catch
            {
                current.Dispose();
                throw;
            }
        }

        if (current is null)
        {
            parameter.Grad = null;
            return;
        }
        heldGrad = current;
        grad.Bind(current.bytes);
        parameter.Grad = grad.Memory;
    }

    /// <summary>
    /// The tensor's memory now, for the view of its values: set_() or a load may have given it new memory of the same
    /// layout. A disposed tensor, or one that no longer holds the elements the view shows, is refused: its old memory
    /// may have been freed.
    /// </summary>
    private Span<byte> CurrentValues()
    {
        if (Tensor.IsInvalid)
            throw new ObjectDisposedException(Name, $"Parameter '{Name}': its tensor has been disposed (with its module?); its values are gone.");
        if (Tensor.dtype != DType || Tensor.numel() != length)
            throw Changed($"now holds {Tensor.numel()} {Tensor.dtype} elements, not {length} {DType}", gradient: false);
        return Tensor.bytes;
    }

    public override void Release()
    {
        parameter.Grad = null;
        grad.Unbind();
        heldGrad?.Dispose();
        heldGrad = null;
    }
}
