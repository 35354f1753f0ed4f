namespace ScratchOptim;

/// <summary>
/// How an optimizer's generated step may be scheduled: its element phases (loops over every element, separated by
/// host code that runs once per tensor), whether a phase may be split into chunks of elements, and how many partial
/// sums each block of elements leaves for the host code after its phase.
/// </summary>
/// <param name="Phases">The element phases, at least 1: host segment 0 runs before phase 1, host segment k after phase k.</param>
/// <param name="SplitsTensors">
/// Whether a phase may run over any block-aligned range of a tensor's elements: true for loops over the flat
/// elements; false where the loops run row by row (<paramref name="RowByRow"/>), or beside matrix work, whose
/// matrices each tensor's phases fill and read whole (each tensor is then one piece of work).
/// </param>
/// <param name="PartialsPerBlock">
/// The per-tensor sums the phases accumulate (the most of any phase): each block of
/// <see cref="Reductions.BlockLength"/> elements (each tensor, when <paramref name="RowByRow"/>) leaves that many
/// partial sums, which the next host segment adds in block order.
/// </param>
/// <param name="RowByRow">
/// Whether the loops run row by row over the tensor as a matrix and sum columns across rows, which must stay in row
/// order: the tensor is never split, and it leaves one set of partial sums.
/// </param>
public readonly record struct StepSchedule(int Phases, bool SplitsTensors, int PartialsPerBlock, bool RowByRow);
