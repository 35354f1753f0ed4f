namespace ScratchOptim.Generator.Ir
{
    /// <summary>
    /// A <c>Require(condition, message)</c> at the start of the update: a step-uniform condition the step needs, checked
    /// for every parameter before anything is written (the step is refused with <paramref name="Message"/> otherwise).
    /// It reads only hyperparameters, the step count, constants and per-tensor float or double state.
    /// </summary>
    internal sealed record Requirement(Expr Condition, string Message);
}
