namespace ScratchOptim;

/// <summary>
/// The fixed order of the generated kernels' reductions, so that a sum has the same bits on every machine: element
/// <c>i</c> of a block adds to lane <c>i % lanes</c> of a 64-byte vector of partial sums, in element order; at the end
/// of the block the lanes are added pairwise (lane k + lane k + half, halving); block sums are added in block order in
/// double. Blocks are <see cref="BlockLength"/> elements long, or one row in kernels that work row by row. A group
/// reduction (<c>GroupSum</c>, ...) adds each tensor's blocks in that order, tensor after tensor in the parameter group's
/// order (skipping those without a gradient), in the same double: the same bits for every vector width.
/// </summary>
public static class Reductions
{
    /// <summary>The elements of one block: a multiple of every vector's lane count.</summary>
    public const nuint BlockLength = 4096;
}
