namespace ScratchOptim.LinearAlgebra;

/// <summary>Whether an operand of a product is used as stored or transposed.</summary>
public enum Transpose
{
    /// <summary>op(A) = A.</summary>
    None,

    /// <summary>op(A) = Aᵀ.</summary>
    Transposed,
}
