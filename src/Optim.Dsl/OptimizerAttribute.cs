using System;

namespace ScratchOptim.Dsl
{
    /// <summary>
    /// Marks a <c>partial class</c> as an optimizer declaration. The ScratchOptim generator turns its
    /// <see cref="HyperAttribute"/> fields, <see cref="StateAttribute"/> fields and its
    /// <c>void Update(ref Element p, Element g, int t)</c> method into a vectorized optimizer.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class OptimizerAttribute : Attribute
    {
        /// <summary>Year the method was published.</summary>
        public int Year { get; set; }

        /// <summary>Authors of the paper, e.g. <c>"Kingma, Ba"</c>.</summary>
        public string? Authors { get; set; }

        /// <summary>Link to the paper.</summary>
        public string? Paper { get; set; }

        /// <summary>The optimizer this one builds on (its class name), for the lineage in the docs.</summary>
        public string? BuildsOn { get; set; }

        /// <summary>The family the method belongs to in the docs (e.g. "momentum", "adaptive").</summary>
        public string? Family { get; set; }

        /// <summary>The PyTorch class it reproduces, e.g. <c>"torch.optim.Adam"</c>; null when PyTorch has none.</summary>
        public string? PyTorch { get; set; }

        /// <summary>
        /// Name of the per-parameter step counter in PyTorch's state (<c>"step"</c>), or null when PyTorch keeps none.
        /// </summary>
        public string? StepState { get; set; } = "step";

        /// <summary>
        /// How multiply-adds are rounded. <see cref="Contraction.Fused"/> (the default) contracts <c>x + a * b</c>
        /// into one fused multiply-add, as PyTorch's vectorized CPU kernels do; <see cref="Contraction.Strict"/>
        /// rounds every operation separately, as the expression is written.
        /// </summary>
        public Contraction Contraction { get; set; } = Contraction.Fused;

        /// <summary>The fewest dimensions a parameter may have (e.g. 2 for an optimizer of matrices); 0 by default.</summary>
        public int MinRank { get; set; }

        /// <summary>
        /// The most dimensions a parameter may have; unlimited by default. The optimizer refuses a parameter outside
        /// [<see cref="MinRank"/>, <see cref="MaxRank"/>] when it is added, before any step.
        /// </summary>
        public int MaxRank { get; set; } = int.MaxValue;

        /// <summary>
        /// Whether the group values (<see cref="StateShape.Group"/> state, <see cref="Intrinsics.GroupSum"/> and the other
        /// group reductions) span every parameter group: one value for the whole optimizer, summed over the tensors of all
        /// groups, as when the authors keep one estimate for the optimizer (Prodigy's d, Adan's global clipping norm).
        /// The code that computes them runs once per step with the first group's hyperparameters, so a step refuses groups
        /// that differ in a hyperparameter that code reads; every group's own hyperparameters still apply to its tensors.
        /// False by default: each group has its own.
        /// </summary>
        public bool AcrossGroups { get; set; }
    }

    /// <summary>How the generator rounds a product that meets a sum.</summary>
    public enum Contraction
    {
        /// <summary>
        /// <c>x + a * b</c>, <c>a * b + x</c> and <c>x - a * b</c> become one fused multiply-add (a single rounding);
        /// when both operands of a sum are products, the right one is fused. This is PyTorch's CPU rounding.
        /// </summary>
        Fused = 0,

        /// <summary>Every operation is rounded to float on its own, exactly as written.</summary>
        Strict = 1,
    }
}
