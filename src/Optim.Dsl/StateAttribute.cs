using System;

namespace ScratchOptim.Dsl
{
    /// <summary>
    /// Marks a field of an optimizer declaration as optimizer state. An <see cref="Element"/> field is a buffer
    /// with one float per parameter element; it is allocated once, on the first step that can use it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class StateAttribute : Attribute
    {
        /// <summary>The name PyTorch gives this state (e.g. <c>"exp_avg"</c>); defaults to the field name in snake_case.</summary>
        public string? Torch { get; set; }

        /// <summary>
        /// The hyperparameter whose value fills the buffer when it is allocated (<c>nameof(initialAccumulatorValue)</c>);
        /// null fills it with zeros.
        /// </summary>
        public string? Init { get; set; }
    }
}
