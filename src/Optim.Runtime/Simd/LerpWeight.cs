namespace ScratchOptim.Simd;

/// <summary>
/// What <c>Lerp</c> takes from its weight alone, worked out once for a weight that stays the same over a loop (a
/// step-uniform one, such as Adam's <c>1 - beta1</c>): which lanes start from <c>start</c> (|weight| &lt; 0.5) and each
/// lane's factor (weight there, weight - 1 elsewhere). See <see cref="ISimd{TSelf}.PrepareLerp"/>.
/// </summary>
/// <typeparam name="TVector">The vector type.</typeparam>
public readonly struct LerpWeight<TVector>
    where TVector : struct, ISimd<TVector>
{
    /// <summary>A prepared weight from its two parts.</summary>
    public LerpWeight(TVector fromStart, TVector factor)
    {
        FromStart = fromStart;
        Factor = factor;
    }

    /// <summary>All bits set in the lanes whose form starts from <c>start</c>, clear where it starts from <c>end</c>.</summary>
    public TVector FromStart { get; }

    /// <summary>Each lane's multiplier of <c>end - start</c>.</summary>
    public TVector Factor { get; }
}
