namespace ScratchOptim;

/// <summary>
/// The fixed order of the generated kernels' reductions, so that a sum has the same bits on every machine: element
/// <c>i</c> of a block adds to lane <c>i % lanes</c> of a 64-byte vector of partial sums, in element order; at the end
/// of the block the lanes are added pairwise (lane k + lane k + half, halving); block sums are added in block order in
/// double. Blocks are <see cref="BlockLength"/> elements long, or one row in kernels that work row by row.
/// </summary>
public static class Reductions
{
    /// <summary>The elements of one block: a multiple of every vector's lane count.</summary>
    public const nuint BlockLength = 4096;
}
