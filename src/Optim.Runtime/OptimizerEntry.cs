using System;
using System.Collections.Generic;

namespace ScratchOptim;

/// <summary>An optimizer in a generated registry: its documentation, a way to create it, and the code generated for it.</summary>
/// <param name="Info">The generated documentation.</param>
/// <param name="Create">Creates the optimizer over the given parameters, as one group with the default hyperparameters.</param>
/// <param name="GeneratedSource">The C# source the generator wrote for it, to read how the declaration was compiled.</param>
public sealed record OptimizerEntry(OptimizerInfo Info, Func<IEnumerable<Parameter>, Optimizer> Create, string GeneratedSource);
