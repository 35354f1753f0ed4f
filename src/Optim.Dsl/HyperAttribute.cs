using System;

namespace ScratchOptim.Dsl
{
    /// <summary>
    /// Marks a field of an optimizer declaration as a hyperparameter: a <c>double</c>, <c>bool</c> or <c>int</c>, or an
    /// enum (such as <see cref="PyTorchVersion"/>), with a constant default. It becomes a constructor parameter, a
    /// per-group setting and a validated range (for an enum: its named values). The update compares an enum
    /// hyperparameter with <c>==</c> and <c>!=</c> (or <c>&lt;</c>, <c>&gt;</c>, ... by the members' values) in
    /// step-uniform conditions. Its XML <c>&lt;summary&gt;</c> is the description shown in the documentation.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class HyperAttribute : Attribute
    {
        /// <summary>Smallest allowed value (inclusive unless <see cref="MinExclusive"/>); not used for <c>bool</c> and enums.</summary>
        public double Min { get; set; } = double.NegativeInfinity;

        /// <summary>Largest allowed value (inclusive unless <see cref="MaxExclusive"/>); not used for <c>bool</c> and enums.</summary>
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
