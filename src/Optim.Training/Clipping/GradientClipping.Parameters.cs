using System;
using System.Buffers;
using System.Collections.Generic;

namespace ScratchOptim.Training;

// torch.nn.utils' functions over parameters, as PyTorch calls them: on the gradients of the parameters that have one.
public static partial class GradientClipping
{
    /// <summary>
    /// <c>get_total_norm([p.grad for p in parameters if p.grad is not None], normType)</c>: the norm of the
    /// gradients of <paramref name="parameters"/>, skipping those without one; 0 when none has one.
    /// </summary>
    /// <remarks>
    /// Gradients of one element type give that type's norm (exact as a double). Mixed float and double gradients
    /// are reduced as PyTorch 2.14 does: each tensor's norm in its own type, the norms grouped by type (its
    /// <c>_group_tensors_by_device_and_dtype</c>, whose groups come in the reverse order of the types' first
    /// appearance), and their norm in double (<c>torch.stack</c> promotes them). An array or list of parameters
    /// is read without allocating; any other sequence allocates its enumerator.
    /// </remarks>
    /// <exception cref="NonFiniteNormException"><paramref name="errorIfNonfinite"/> is set and the total is NaN or ±∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="normType"/> is NaN.</exception>
    public static double TotalNorm(IEnumerable<Parameter> parameters, double normType = 2.0, bool errorIfNonfinite = false)
    {
        CheckNormType(normType);
        using var gradients = GradientList.Of(parameters);
        return gradients.TotalNorm(normType, errorIfNonfinite);
    }

    /// <summary>
    /// <c>clip_grad_norm_(parameters, maxNorm, normType)</c>: scales the gradients of <paramref name="parameters"/>
    /// in place so that their total norm (<see cref="TotalNorm(IEnumerable{Parameter}, double, bool)"/>) is at most
    /// <paramref name="maxNorm"/>, and returns the total norm before clipping. Parameters without a gradient are
    /// skipped.
    /// </summary>
    /// <remarks>
    /// The coefficient is computed in the total's type: float when every gradient is float, otherwise double, then
    /// rounded to float for float gradients (as PyTorch's <c>g.mul_(clip_coef)</c> with a double 0-dim tensor).
    /// </remarks>
    /// <exception cref="NonFiniteNormException">The total norm is not finite and <paramref name="errorIfNonfinite"/> is set; no gradient was changed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or NaN, or <paramref name="normType"/> is NaN.</exception>
    public static double ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        CheckMaxNorm(maxNorm);
        CheckNormType(normType);
        using var gradients = GradientList.Of(parameters);
        double total = gradients.TotalNorm(normType, errorIfNonfinite);
        if (gradients.DoubleCount == 0)
        {
            Scale<float>(gradients.Singles, ClipCoefficient(maxNorm, (float)total));
        }
        else
        {
            double coefficient = ClipCoefficient(maxNorm, total);
            Scale<float>(gradients.Singles, (float)coefficient);
            Scale<double>(gradients.Doubles, coefficient);
        }
        return total;
    }

    /// <summary>
    /// <c>clip_grads_with_norm_(parameters, maxNorm, totalNorm)</c>: scales the gradients of
    /// <paramref name="parameters"/> in place by <c>min(maxNorm / (totalNorm + 1e-6), 1)</c>, for a total norm
    /// computed beforehand (with <see cref="TotalNorm(IEnumerable{Parameter}, double, bool)"/>, say, over several
    /// models). The coefficient is computed in double, as PyTorch does for a float64 total, and rounded to float
    /// for float gradients. Parameters without a gradient are skipped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="maxNorm"/> is negative or NaN, or <paramref name="totalNorm"/> is negative; no gradient was changed.
    /// </exception>
    public static void ClipGradsWithNorm(IEnumerable<Parameter> parameters, double maxNorm, double totalNorm)
    {
        CheckMaxNorm(maxNorm);
        CheckTotalNorm(totalNorm);
        using var gradients = GradientList.Of(parameters);
        if (gradients.SingleCount + gradients.DoubleCount == 0) return;
        double coefficient = ClipCoefficient(maxNorm, totalNorm);
        Scale<float>(gradients.Singles, (float)coefficient);
        Scale<double>(gradients.Doubles, coefficient);
    }

    /// <summary>
    /// <c>clip_grad_value_(parameters, clipValue)</c>: clamps every gradient element of <paramref name="parameters"/>
    /// to [<c>-clipValue</c>, <c>clipValue</c>] in place; parameters without a gradient are skipped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is negative or NaN.</exception>
    public static void ClipGradValue(IEnumerable<Parameter> parameters, double clipValue)
    {
        if (!(clipValue >= 0)) throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "The clip value must be at least 0.");
        using var gradients = GradientList.Of(parameters);
        ClipGradValue<float>(gradients.Singles, clipValue);
        ClipGradValue<double>(gradients.Doubles, clipValue);
    }

    /// <summary>The gradients of some parameters by element type, in pooled arrays (returned on dispose), so a call allocates only the enumerator.</summary>
    private struct GradientList : IDisposable
    {
        private Memory<float>[] singles;
        private Memory<double>[] doubles;

        public int SingleCount { get; private set; }

        public int DoubleCount { get; private set; }

        /// <summary>
        /// Whether the double norms come first in the vector of norms: PyTorch's groups by dtype come in the reverse
        /// order of the types' first appearance, so when the first gradient is a float one.
        /// </summary>
        public bool DoublesFirst { get; private set; }

        public readonly ReadOnlySpan<Memory<float>> Singles => singles.AsSpan(0, SingleCount);

        public readonly ReadOnlySpan<Memory<double>> Doubles => doubles.AsSpan(0, DoubleCount);

        public static GradientList Of(IEnumerable<Parameter> parameters)
        {
            ArgumentNullException.ThrowIfNull(parameters);
            var list = new GradientList { singles = [], doubles = [] };
            // By index when possible: an array's or a list's enumerator would be the call's only allocation.
            if (parameters is IReadOnlyList<Parameter> indexed)
            {
                for (int i = 0; i < indexed.Count; i++) list.Add(indexed[i]);
            }
            else
            {
                foreach (var parameter in parameters) list.Add(parameter);
            }
            return list;
        }

        private void Add(Parameter parameter)
        {
            switch (parameter)
            {
                case Parameter<float> { Grad: { } grad }:
                    if (SingleCount + DoubleCount == 0) DoublesFirst = true;
                    Append(ref singles, SingleCount++, grad);
                    break;
                case Parameter<double> { Grad: { } grad }:
                    if (SingleCount + DoubleCount == 0) DoublesFirst = false;
                    Append(ref doubles, DoubleCount++, grad);
                    break;
                case null:
                    Dispose();
                    throw new ArgumentNullException("parameters", "A parameter is null.");
            }
        }

        public readonly double TotalNorm(double normType, bool errorIfNonfinite)
        {
            if (DoubleCount == 0) return TotalNorm<float>(Singles, normType, errorIfNonfinite);
            if (SingleCount == 0) return TotalNorm<double>(Doubles, normType, errorIfNonfinite);

            // torch.stack promotes the float norms to double; the norm of all of them in double.
            int count = SingleCount + DoubleCount;
            double[]? rented = null;
            Span<double> norms = count <= StackNorms ? stackalloc double[StackNorms].Slice(0, count) : (rented = ArrayPool<double>.Shared.Rent(count)).AsSpan(0, count);
            try
            {
                int first = DoublesFirst ? DoubleCount : SingleCount;
                var singleNorms = DoublesFirst ? norms[first..] : norms[..first];
                var doubleNorms = DoublesFirst ? norms[..first] : norms[first..];
                for (int i = 0; i < SingleCount; i++) singleNorms[i] = VectorNorms.Norm((ReadOnlySpan<float>)Singles[i].Span, normType);
                for (int i = 0; i < DoubleCount; i++) doubleNorms[i] = VectorNorms.Norm((ReadOnlySpan<double>)Doubles[i].Span, normType);
                double total = VectorNorms.Norm((ReadOnlySpan<double>)norms, normType);
                if (errorIfNonfinite && !double.IsFinite(total)) throw new NonFiniteNormException(normType, total);
                return total;
            }
            finally
            {
                if (rented is not null) ArrayPool<double>.Shared.Return(rented);
            }
        }

        public void Dispose()
        {
            Return(ref singles, SingleCount);
            Return(ref doubles, DoubleCount);
        }

        private static void Append<T>(ref Memory<T>[] array, int index, Memory<T> item)
        {
            if (index == array.Length)
            {
                var grown = ArrayPool<Memory<T>>.Shared.Rent(Math.Max(16, 2 * array.Length));
                array.AsSpan().CopyTo(grown);
                Return(ref array, index);
                array = grown;
            }
            array[index] = item;
        }

        private static void Return<T>(ref Memory<T>[] array, int used)
        {
            if (array.Length == 0) return;
            array.AsSpan(0, used).Clear(); // the pool must not keep the gradients alive
            ArrayPool<Memory<T>>.Shared.Return(array);
            array = [];
        }
    }
}
