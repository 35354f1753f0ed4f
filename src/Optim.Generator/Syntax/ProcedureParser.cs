using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ScratchOptim.Generator.Diagnostics;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Syntax
{
    /// <summary>
    /// Reads the <c>[Procedure]</c> methods of a declaration: checks each one's signature (OPT040) and name (OPT041)
    /// and lowers its body exactly as the update's, with the parameters it takes.
    /// </summary>
    internal static class ProcedureParser
    {
        /// <summary>A procedure as parsed: its method, and its model when the method is well formed.</summary>
        internal sealed class Parsed
        {
            public Parsed(MethodDeclarationSyntax method, ProcedureModel? model)
            {
                Method = method;
                Model = model;
            }

            public MethodDeclarationSyntax Method { get; }

            /// <summary>The model, or null when the signature, the name or the body was reported.</summary>
            public ProcedureModel? Model { get; }
        }

        public static List<Parsed> Parse(TypeDeclarationSyntax declaration, INamedTypeSymbol optimizer, SemanticModel semanticModel,
            IReadOnlyList<HyperModel> hypers, IReadOnlyList<StateModel> states, IReadOnlyCollection<string> invalidFields,
            List<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var parsed = new List<Parsed>();
            var inherited = InheritedMemberNames(semanticModel.Compilation);
            var seen = new HashSet<string>();
            foreach (var method in declaration.Members.OfType<MethodDeclarationSyntax>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (semanticModel.GetDeclaredSymbol(method, cancellationToken) is not IMethodSymbol symbol
                    || !symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DslNames.ProcedureAttribute))
                    continue;

                string name = symbol.Name;
                string? taken = name == DslNames.UpdateMethod ? "is the name of the update method"
                    : !seen.Add(name) ? "is the name of another procedure of '" + optimizer.Name + "'; each procedure needs a name of its own"
                    : inherited.Contains(name) ? "is the name of a member every optimizer has (ScratchOptim.Optimizer." + name + ")"
                    : null;
                if (taken is not null)
                {
                    diagnostics.Add(Diagnostic.Create(Descriptors.ProcedureName, method.Identifier.GetLocation(), name, taken));
                    parsed.Add(new Parsed(method, null));
                    continue;
                }

                var signature = SignatureOf(symbol, method);
                if (signature is null)
                {
                    string shown = symbol.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
                    diagnostics.Add(Diagnostic.Create(Descriptors.ProcedureSignature, method.Identifier.GetLocation(), name, shown));
                    parsed.Add(new Parsed(method, null));
                    continue;
                }
                foreach (var parameter in method.ParameterList.Parameters)
                {
                    string? reason = ReservedNames.ForStepName(parameter.Identifier.ValueText)
                        ?? (states.Any(s => s.Name == parameter.Identifier.ValueText) ? "is also the name of a state, which the generated step methods take as a parameter too" : null);
                    if (reason is not null)
                        diagnostics.Add(Diagnostic.Create(Descriptors.ReservedName, parameter.Identifier.GetLocation(), parameter.Identifier.ValueText, reason));
                }

                var lowering = new UpdateLowering(semanticModel, hypers, states, invalidFields, diagnostics, signature, requirementsAllowed: false, cancellationToken)
                {
                    Optimizer = optimizer.Name,
                    Procedure = name,
                };
                var body = lowering.LowerBody(method);
                parsed.Add(new Parsed(method, body is { } lowered ? new ProcedureModel(name, DocComments.SummaryOf(method), signature, lowered) : null));
            }
            return parsed;
        }

        /// <summary>
        /// The names the method gives the parameter (<c>ref Element</c>), the gradient (<c>Element</c>) and the step count
        /// (<c>int</c>), taken in that order with any left out but not all; null when it is not such a method.
        /// </summary>
        private static UpdateSignature? SignatureOf(IMethodSymbol symbol, MethodDeclarationSyntax method)
        {
            if (!symbol.ReturnsVoid || symbol.IsStatic || symbol.IsGenericMethod || symbol.Parameters.Length == 0
                || (method.Body is null && method.ExpressionBody is null))
                return null;
            string param = "", grad = "", step = "";
            int next = 0; // 0: the parameter may come next, 1: the gradient, 2: the step count, 3: nothing
            foreach (var parameter in symbol.Parameters)
            {
                bool element = DslNames.Is(parameter.Type, DslNames.Element);
                if (next == 0 && element && parameter.RefKind == RefKind.Ref)
                {
                    param = parameter.Name;
                    next = 1;
                }
                else if (next <= 1 && element && parameter.RefKind == RefKind.None)
                {
                    grad = parameter.Name;
                    next = 2;
                }
                else if (next <= 2 && parameter.Type.SpecialType == SpecialType.System_Int32 && parameter.RefKind == RefKind.None)
                {
                    step = parameter.Name;
                    next = 3;
                }
                else
                {
                    return null;
                }
            }
            return new UpdateSignature(param, grad, step);
        }

        /// <summary>The members every generated optimizer inherits from the runtime's <c>Optimizer&lt;THyper&gt;</c>, by name.</summary>
        private static HashSet<string> InheritedMemberNames(Compilation compilation)
        {
            var names = new HashSet<string>();
            for (ITypeSymbol? type = compilation.GetTypeByMetadataName(DslNames.GenericOptimizer); type is not null; type = type.BaseType)
            {
                foreach (var member in type.GetMembers())
                {
                    if (member.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal && !member.IsImplicitlyDeclared)
                        names.Add(member.Name);
                }
            }
            return names;
        }
    }
}
