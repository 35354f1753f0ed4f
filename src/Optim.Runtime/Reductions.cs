namespace ScratchOptim;

/// <summary>
/// The fixed order of the generated kernels' reductions, so that a sum has the same bits on every machine and for any
/// number of threads: element <c>i</c> of a block adds to lane <c>i % lanes</c> of a 64-byte vector of partial sums,
/// in element order; at the end of the block the lanes are added pairwise (lane k + lane k + half, halving), which
/// gives the block's partial sum; the host code then adds the partial sums in block order, in double, starting from
/// 0. Blocks are <see cref="BlockLength"/> elements long, or one row in kernels that work row by row (their row sums
/// are added in row order before the host code sees them). A step split into chunks over threads splits on block
/// boundaries, and each block's partial sum lands in its own slot, so the chunks change nothing. A group reduction
/// (<c>GroupSum</c>, ...) is added up by the host code too, on the calling thread, tensor after tensor in the parameter
/// group's order (skipping those without a gradient): each tensor's block partial sums in block order (a row-by-row
/// tensor's sum over its rows as one value), all into one double starting from 0.
/// </summary>
public static class Reductions
{
    /// <summary>The elements of one block: a multiple of every vector's lane count.</summary>
    public const nuint BlockLength = 4096;

    /// <summary>The blocks of a tensor of <paramref name="length"/> elements (the last one may be shorter).</summary>
    public static int BlockCount(int length) => (int)(((nuint)length + BlockLength - 1) / BlockLength);
}
