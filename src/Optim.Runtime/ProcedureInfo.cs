using System.Collections.Generic;

namespace ScratchOptim;

/// <summary>
/// A procedure of an optimizer besides its step, generated from a <c>[Procedure]</c> method of its declaration: a
/// public method of the same name that runs the method's body over every element of every parameter.
/// </summary>
/// <param name="Name">The method's name (<c>Eval</c>, <c>UpdateHessian</c>, …).</param>
/// <param name="Summary">The summary of the declaration's XML documentation.</param>
/// <param name="ReadsGradient">
/// Whether it reads the gradient: it then runs only on the parameters that have one (set them first), as a step does.
/// </param>
/// <param name="Body">What it computes per element, as declared, one line per statement, in plain text.</param>
/// <param name="BodyLatex">The same in LaTeX.</param>
public sealed record ProcedureInfo(string Name, string Summary, bool ReadsGradient, IReadOnlyList<string> Body, IReadOnlyList<string> BodyLatex);
