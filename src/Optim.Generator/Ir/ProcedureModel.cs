using System.Linq;

namespace ScratchOptim.Generator.Ir
{
    /// <summary>
    /// A <c>[Procedure]</c> method of the declaration: an element-wise operation besides the update that becomes a public
    /// method of the optimizer, run over every element of every parameter (only those with a gradient when it reads the
    /// gradient). It is lowered, scheduled and emitted like the update, as a kernel of its own.
    /// </summary>
    /// <param name="Name">The method's name, which the generated public method keeps.</param>
    /// <param name="Summary">The summary of its XML documentation, for the generated method's.</param>
    /// <param name="Signature">The names it gives the parameter, the gradient and the step count; empty for those it does not take.</param>
    /// <param name="Body">Its statements, as the update's.</param>
    internal sealed record ProcedureModel(string Name, string Summary, UpdateSignature Signature, EquatableArray<Stmt> Body)
    {
        /// <summary>
        /// The declaration as the scheduler and the targets see this procedure: its body in place of the update's, and only
        /// the states it reads or writes (the others are not allocated for it).
        /// </summary>
        public OptimizerModel AsKernelOf(OptimizerModel declaration)
        {
            var used = new System.Collections.Generic.HashSet<string>();
            IrWalker.Visit(Body, statement =>
            {
                if (statement is Assign { Target.Role: VariableRole.State } assign) used.Add(assign.Target.Name);
            }, expr =>
            {
                if (expr is Variable { Role: VariableRole.State } state) used.Add(state.Name);
            });
            return declaration with
            {
                States = declaration.States.Where(s => used.Contains(s.Name)).ToEquatableArray(),
                Signature = Signature,
                Body = Body,
                Procedures = EquatableArray<ProcedureModel>.Empty,
            };
        }
    }
}
