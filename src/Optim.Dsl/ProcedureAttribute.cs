using System;

namespace ScratchOptim.Dsl
{
    /// <summary>
    /// Marks a method of an optimizer declaration as a procedure: an element-wise operation besides the update, such
    /// as switching to the averaged weights for evaluation or feeding in a curvature estimate. The generator makes it a
    /// public method of the optimizer, of the same name and without parameters, that runs the method's body over
    /// every element of every parameter, vectorized like the step.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A procedure is written like the update: <c>void Name(ref Element p, Element g, int t)</c>, taking any of those
    /// three parameters in that order and at least one. <c>p</c> is the parameter (assign it to change the weights),
    /// <c>g</c> its gradient (the procedure then runs only on parameters that have one, as a step does), <c>t</c> the
    /// number of steps the parameter has taken (0 before its first step). The body reads and writes the optimizer's
    /// state and reads its hyperparameters; it does not advance the step count.
    /// </para>
    /// <para>The method's XML <c>&lt;summary&gt;</c> documents the generated method.</para>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class ProcedureAttribute : Attribute
    {
    }
}
