using System;
using System.Collections.Generic;

namespace ScratchOptim;

/// <summary>An optimizer in a generated registry: its documentation and a way to create it with its defaults.</summary>
/// <param name="Info">The generated documentation.</param>
/// <param name="Create">Creates the optimizer over the given parameters, as one group with the default hyperparameters.</param>
public sealed record OptimizerEntry(OptimizerInfo Info, Func<IEnumerable<Parameter>, Optimizer> Create);
