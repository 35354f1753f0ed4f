using System;

namespace ScratchOptim.Dsl
{
    /// <summary>
    /// Marks a field of an optimizer declaration as a hyperparameter: a <c>double</c>, <c>bool</c> or <c>int</c>
    /// with a constant default. It becomes a constructor parameter, a per-group setting and a validated range.
    /// Its XML <c>&lt;summary&gt;</c> is the description shown in the documentation.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class HyperAttribute : Attribute
    {
        /// <summary>Smallest allowed value (inclusive unless <see cref="MinExclusive"/>).</summary>
        public double Min { get; set; } = double.NegativeInfinity;

        /// <summary>Largest allowed value (inclusive unless <see cref="MaxExclusive"/>).</summary>
        public double Max { get; set; } = double.PositiveInfinity;

        /// <summary>Whether <see cref="Min"/> itself is excluded.</summary>
        public bool MinExclusive { get; set; }

        /// <summary>Whether <see cref="Max"/> itself is excluded.</summary>
        public bool MaxExclusive { get; set; }

        /// <summary>
        /// The PyTorch keyword this corresponds to; defaults to the field name in snake_case. A tuple element is
        /// written with its index, e.g. <c>"betas[0]"</c>.
        /// </summary>
        public string? Torch { get; set; }
    }
}
