using System;

namespace ScratchOptim.LinearAlgebra;

/// <summary>The arithmetic a Newton–Schulz orthogonalization runs in.</summary>
public enum NewtonSchulzPrecision
{
    /// <summary>float64 throughout (DGEMM).</summary>
    Float64,

    /// <summary>float32 throughout (SGEMM); the authors' reference cases ran Newton–Schulz in float32.</summary>
    Float32,

    /// <summary>
    /// PyTorch's bfloat16 on CPU, as <c>torch.optim.Muon</c> runs it for every parameter dtype: the input rounded to
    /// bfloat16, the Frobenius norm accumulated in float32 and rounded to bfloat16, each element-wise operation in
    /// float32 rounded to bfloat16, each matrix product (and its <c>addmm</c> scaling) accumulated in float32 and
    /// rounded to bfloat16 once.
    /// </summary>
    BFloat16,
}

/// <summary>How the input is scaled so that its spectral norm is at most 1 before the iterations.</summary>
public enum NewtonSchulzNormalization
{
    /// <summary>X / max(‖X‖_F, ε): <c>torch.optim.Muon</c> (<c>ortho_grad.div_(ortho_grad.norm().clamp(min=eps))</c>).</summary>
    ClampedNorm,

    /// <summary>X / (‖X‖_F + ε): the authors' <c>zeropower_via_newtonschulz5</c> (KellerJordan/Muon).</summary>
    NormPlusEpsilon,
}

/// <summary>
/// The parameters of Muon's quintic Newton–Schulz iteration X ← a·X + (b·A + c·A²)·X with A = X·Xᵀ; the defaults
/// are <c>torch.optim.Muon</c>'s (<c>ns_coefficients=(3.4445, -4.775, 2.0315)</c>, <c>ns_steps=5</c>, <c>eps=1e-7</c>).
/// Each value is checked when it is set.
/// </summary>
public sealed record NewtonSchulzOptions
{
    /// <summary>torch.optim.Muon's defaults.</summary>
    public static NewtonSchulzOptions Default { get; } = new();

    /// <summary>Number of iterations (<c>ns_steps</c>), 0 to 99 as torch allows.</summary>
    public int Steps
    {
        get;
        init => field = value is >= 0 and < 100 ? value
            : throw new ArgumentOutOfRangeException(nameof(Steps), value, "Newton–Schulz takes 0 to 99 steps (torch.optim.Muon requires ns_steps < 100).");
    } = 5;

    /// <summary>Coefficient a (of X).</summary>
    public double A { get; init => field = Finite(value, nameof(A)); } = 3.4445;

    /// <summary>Coefficient b (of A = X·Xᵀ).</summary>
    public double B { get; init => field = Finite(value, nameof(B)); } = -4.775;

    /// <summary>Coefficient c (of A²).</summary>
    public double C { get; init => field = Finite(value, nameof(C)); } = 2.0315;

    /// <summary>ε of the normalization, finite and non-negative.</summary>
    public double Eps
    {
        get;
        init => field = double.IsFinite(value) && value >= 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(Eps), value, "eps must be finite and non-negative.");
    } = 1e-7;

    /// <summary>How the input is normalized; torch.optim.Muon's by default.</summary>
    public NewtonSchulzNormalization Normalization
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(Normalization), value, "Not a NewtonSchulzNormalization value.");
    } = NewtonSchulzNormalization.ClampedNorm;

    private static double Finite(double value, string name) => double.IsFinite(value) ? value
        : throw new ArgumentOutOfRangeException(name, value, $"The Newton–Schulz coefficient {name} must be finite.");
}
