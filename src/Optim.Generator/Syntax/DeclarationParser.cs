using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ScratchOptim.Generator.Diagnostics;
using ScratchOptim.Generator.Ir;

namespace ScratchOptim.Generator.Syntax
{
    /// <summary>The result of parsing one declaration: the model when it is valid, and what is wrong with it.</summary>
    internal sealed class ParseOutcome
    {
        public ParseOutcome(OptimizerModel? model, ImmutableArray<Diagnostic> diagnostics)
        {
            Model = model;
            Diagnostics = diagnostics;
        }

        /// <summary>The model, or null when an error was reported.</summary>
        public OptimizerModel? Model { get; }

        public ImmutableArray<Diagnostic> Diagnostics { get; }
    }

    /// <summary>
    /// Turns an <c>[Optimizer]</c> class into an <see cref="OptimizerModel"/>. The generator and the analyzer share
    /// it: the generator keeps the model, the analyzer reports the diagnostics.
    /// </summary>
    internal static class DeclarationParser
    {
        public static ParseOutcome Parse(TypeDeclarationSyntax declaration, INamedTypeSymbol symbol, SemanticModel semanticModel, CancellationToken cancellationToken)
        {
            var diagnostics = new List<Diagnostic>();
            string name = symbol.Name;
            // A class without a name is a syntax error the compiler reports (CS1001); there is nothing to generate.
            if (declaration.Identifier.IsMissing || name.Length == 0) return new ParseOutcome(null, ImmutableArray<Diagnostic>.Empty);

            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                diagnostics.Add(Diagnostic.Create(Descriptors.NotPartial, declaration.Identifier.GetLocation(), name));
            if (symbol.ContainingType is not null)
                diagnostics.Add(Diagnostic.Create(Descriptors.UnsupportedShape, declaration.Identifier.GetLocation(), name, "nested in '" + symbol.ContainingType.Name + "'"));
            if (ShapeProblem(declaration, symbol, semanticModel) is { } problem)
                diagnostics.Add(Diagnostic.Create(Descriptors.UnsupportedShape, declaration.Identifier.GetLocation(), name, problem));
            foreach (var identifier in MemberIdentifiers(declaration).Prepend(declaration.Identifier))
            {
                if (ReservedNames.ForClassMember(identifier.ValueText, identifier.Parent is BaseTypeDeclarationSyntax) is { } reason)
                    diagnostics.Add(Diagnostic.Create(Descriptors.ReservedName, identifier.GetLocation(), identifier.ValueText, reason));
            }

            var hypers = new List<HyperModel>();
            var states = new List<(StateModel Model, Location Location)>();
            var invalidFields = new HashSet<string>(); // reported already: their uses in the update are not reported again
            var hyperLocations = new Dictionary<string, Location>();
            var stateInits = new List<(string State, string Init, Location Location)>();
            // Every hyperparameter's and state's two names, for OPT031: the runtime finds either by one or the other.
            var names = new List<NamedField>();
            foreach (var field in declaration.Members.OfType<FieldDeclarationSyntax>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                string description = DocComments.SummaryOf(field);
                foreach (var variable in field.Declaration.Variables)
                {
                    if (semanticModel.GetDeclaredSymbol(variable, cancellationToken) is not IFieldSymbol fieldSymbol) continue;
                    // A second field of the same name is an error the compiler reports (CS0102); only the first counts.
                    if (hypers.Any(h => h.Name == fieldSymbol.Name) || states.Any(s => s.Model.Name == fieldSymbol.Name)) continue;
                    var hyperAttribute = FindAttribute(fieldSymbol, DslNames.HyperAttribute);
                    var stateAttribute = FindAttribute(fieldSymbol, DslNames.StateAttribute);
                    if (hyperAttribute is not null)
                    {
                        var hyper = ParseHyper(variable, fieldSymbol, hyperAttribute, description, semanticModel, diagnostics, cancellationToken);
                        if (hyper is null)
                        {
                            invalidFields.Add(fieldSymbol.Name);
                        }
                        else
                        {
                            if (ReservedNames.ForHyper(hyper.Name) is { } reason)
                                diagnostics.Add(Diagnostic.Create(Descriptors.ReservedName, variable.Identifier.GetLocation(), hyper.Name, reason));
                            hypers.Add(hyper);
                            hyperLocations[hyper.Name] = variable.Identifier.GetLocation();
                            names.Add(new NamedField(true, hyper.Name, hyper.TorchName, variable.Identifier.GetLocation(),
                                NamedArgumentLocation(hyperAttribute, "Torch", cancellationToken)));
                        }
                    }
                    else if (stateAttribute is not null)
                    {
                        var stateType = StateTypeOf(fieldSymbol, stateAttribute);
                        if (stateType is null)
                        {
                            diagnostics.Add(Diagnostic.Create(Descriptors.StateType, field.Declaration.Type.GetLocation(), fieldSymbol.Name, fieldSymbol.Type.ToDisplayString()));
                            invalidFields.Add(fieldSymbol.Name);
                            continue;
                        }
                        if (ReservedNames.ForStepName(fieldSymbol.Name) is { } reason)
                            diagnostics.Add(Diagnostic.Create(Descriptors.ReservedName, variable.Identifier.GetLocation(), fieldSymbol.Name, reason));
                        string torch = NamedString(stateAttribute, "Torch") ?? DslNames.SnakeCase(fieldSymbol.Name);
                        string? init = NamedString(stateAttribute, "Init");
                        if (init is not null) stateInits.Add((fieldSymbol.Name, init, variable.Identifier.GetLocation()));
                        // The Init fills the buffer; an initializer beside it would be silently ignored.
                        if (init is not null && variable.Initializer is { } initializer)
                            diagnostics.Add(Diagnostic.Create(Descriptors.StateInitTwice, initializer.Value.GetLocation(), fieldSymbol.Name, init, initializer.Value.ToString()));
                        var constant = variable.Initializer is null ? default : semanticModel.GetConstantValue(variable.Initializer.Value, cancellationToken);
                        double initialValue = constant.HasValue && constant.Value is not null and not bool ? ToDouble(constant.Value) : 0;
                        states.Add((new StateModel(fieldSymbol.Name, torch, init, initialValue, stateType.Value.Scalar, stateType.Value.Space, description, stateType.Value.Matrix),
                            variable.Identifier.GetLocation()));
                        names.Add(new NamedField(false, fieldSymbol.Name, torch, variable.Identifier.GetLocation(),
                            NamedArgumentLocation(stateAttribute, "Torch", cancellationToken)));
                    }
                }
            }

            ReportSharedNames(names, diagnostics);

            foreach (var (state, init, location) in stateInits)
            {
                if (!hypers.Any(h => h.Name == init && h.Type == HyperType.Double))
                    diagnostics.Add(Diagnostic.Create(Descriptors.StateInit, location, state, init));
            }

            var signature = ParseUpdateSignature(declaration, name, semanticModel, diagnostics, out var updateMethod);
            var documentation = ParseDocumentation(declaration, symbol);
            EquatableArray<Stmt>? lowered = null;
            var requirements = new List<Requirement>();
            int reportedBefore = diagnostics.Count;
            if (updateMethod is not null && signature is not null)
            {
                foreach (var parameter in updateMethod.ParameterList.Parameters)
                {
                    string? reason = ReservedNames.ForStepName(parameter.Identifier.ValueText)
                        ?? (states.Any(s => s.Model.Name == parameter.Identifier.ValueText) ? "is also the name of a state, which the generated step methods take as a parameter too" : null);
                    if (reason is not null)
                        diagnostics.Add(Diagnostic.Create(Descriptors.ReservedName, parameter.Identifier.GetLocation(), parameter.Identifier.ValueText, reason));
                }
                reportedBefore = diagnostics.Count;
                var lowering = new UpdateLowering(semanticModel, hypers, states.Select(s => s.Model).ToList(), invalidFields, diagnostics, signature, requirementsAllowed: true, cancellationToken)
                {
                    Optimizer = name,
                    MaxRank = documentation.MaxRank,
                };
                lowered = lowering.LowerBody(updateMethod);
                requirements.AddRange(lowering.Requirements);
            }
            var procedures = ProcedureParser.Parse(declaration, symbol, semanticModel, hypers, states.Select(s => s.Model).ToList(), invalidFields, diagnostics, cancellationToken);
            // After an error in the update or a procedure (the compiler's, or one that dropped a statement here), or in a
            // hyperparameter or state whose uses were dropped with it, the analysis of what is used is unreliable: the
            // error is the only diagnostic, not a false "never used" beside it.
            bool allCompile = Compiles(updateMethod, semanticModel, cancellationToken) && procedures.All(p => Compiles(p.Method, semanticModel, cancellationToken));
            bool loweredCleanly = !diagnostics.Skip(reportedBefore).Any(d => d.Severity == DiagnosticSeverity.Error);
            if (lowered is { } loweredBody && allCompile && loweredCleanly && invalidFields.Count == 0 && procedures.All(p => p.Model is not null))
                ReportUnused(procedures.Select(p => p.Model!.Body).Prepend(loweredBody), requirements, hypers, hyperLocations, states, diagnostics);

            var optimizerAttribute = FindAttribute(symbol, DslNames.OptimizerAttribute);
            if (documentation.MinRank < 0 || documentation.MaxRank < documentation.MinRank)
            {
                var attributeSyntax = optimizerAttribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
                diagnostics.Add(Diagnostic.Create(Descriptors.RankRange, attributeSyntax?.GetLocation() ?? declaration.Identifier.GetLocation(),
                    documentation.MinRank, documentation.MaxRank));
            }
            bool strict = NamedInt(optimizerAttribute, "Contraction") == 1;
            bool acrossGroups = NamedBool(optimizerAttribute, "AcrossGroups");
            if (acrossGroups && lowered is { } sharedBody && loweredCleanly && !HasGroupValues(sharedBody, states.Select(s => s.Model)))
                diagnostics.Add(Diagnostic.Create(Descriptors.AcrossGroupsUnused, NamedArgumentLocation(optimizerAttribute, "AcrossGroups", cancellationToken) ?? declaration.Identifier.GetLocation()));
            bool hasErrors = diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
            OptimizerModel? model = hasErrors || signature is null || lowered is not { } body || !allCompile || procedures.Any(p => p.Model is null)
                ? null
                : new OptimizerModel(
                    new DeclarationInfo(NamespaceName(symbol.ContainingNamespace), name),
                    documentation,
                    strict,
                    hypers.ToEquatableArray(),
                    states.Select(s => s.Model).ToEquatableArray(),
                    signature,
                    body,
                    procedures.Select(p => p.Model!).ToEquatableArray(),
                    requirements.ToEquatableArray(),
                    acrossGroups);
            return new ParseOutcome(model, diagnostics.ToImmutableArray());
        }

        private static HyperModel? ParseHyper(VariableDeclaratorSyntax variable, IFieldSymbol field, AttributeData attribute, string description,
            SemanticModel semanticModel, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            HyperType? type = field.Type.SpecialType switch
            {
                SpecialType.System_Double => HyperType.Double,
                SpecialType.System_Boolean => HyperType.Bool,
                SpecialType.System_Int32 => HyperType.Int,
                _ when field.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType && IsAccessibleEnough(enumType, field.ContainingType) => HyperType.Enum,
                _ when IsOptionalDouble(field.Type) => HyperType.Double,
                _ => null,
            };
            bool optional = IsOptionalDouble(field.Type);
            string? problem = field.IsConst ? "is const, so a setting could never change it"
                : field.IsStatic ? "is static, so it could not differ between parameter groups"
                : type is null ? "has type '" + field.Type.ToDisplayString() + "'"
                : null;
            if (problem is not null)
            {
                diagnostics.Add(Diagnostic.Create(Descriptors.HyperType, variable.Identifier.GetLocation(), field.Name, problem));
                return null;
            }

            var constant = variable.Initializer is null ? default : semanticModel.GetConstantValue(variable.Initializer.Value, cancellationToken);
            if (!constant.HasValue || (constant.Value is null && !optional))
            {
                diagnostics.Add(Diagnostic.Create(Descriptors.HyperWithoutDefault, variable.Identifier.GetLocation(), field.Name));
                return null;
            }
            if (type is not (HyperType.Bool or HyperType.Enum) && EmptyRange(attribute) is { } empty)
            {
                // Reported at the bound that closes the range, where the mistake is, rather than at the default.
                var at = NamedArgumentLocation(attribute, "Max", cancellationToken) ?? NamedArgumentLocation(attribute, "Min", cancellationToken) ?? variable.Identifier.GetLocation();
                diagnostics.Add(Diagnostic.Create(Descriptors.HyperRangeEmpty, at, field.Name, empty));
                return null;
            }
            if (constant.Value is null)
            {
                string optionalTorch = NamedString(attribute, "Torch") ?? DslNames.SnakeCase(field.Name);
                return new HyperModel(field.Name, optionalTorch, HyperType.Double, double.NaN, "null",
                    NamedDouble(attribute, "Min") ?? double.NegativeInfinity, NamedBool(attribute, "MinExclusive"),
                    NamedDouble(attribute, "Max") ?? double.PositiveInfinity, NamedBool(attribute, "MaxExclusive"), description, Optional: true);
            }
            double value = constant.Value is bool flag ? (flag ? 1 : 0) : ToDouble(constant.Value);
            string torch = NamedString(attribute, "Torch") ?? DslNames.SnakeCase(field.Name);

            if (type == HyperType.Enum)
            {
                var enumModel = EnumModelOf((INamedTypeSymbol)field.Type);
                if (enumModel.NameOf(value) is not { } member)
                {
                    // A cast such as '(PyTorchVersion)7' compiles, but no setting could ever take that value again.
                    diagnostics.Add(Diagnostic.Create(Descriptors.HyperDefaultOutOfRange, variable.Initializer!.Value.GetLocation(),
                        field.Name, value.ToString("R", CultureInfo.InvariantCulture), "{" + string.Join(", ", enumModel.Members.Select(m => m.Name)) + "}"));
                    return null;
                }
                return new HyperModel(field.Name, torch, HyperType.Enum, value, enumModel.Name + "." + member, double.NegativeInfinity, false, double.PositiveInfinity, false, description, enumModel);
            }

            double min = NamedDouble(attribute, "Min") ?? double.NegativeInfinity;
            double max = NamedDouble(attribute, "Max") ?? double.PositiveInfinity;
            bool minExclusive = NamedBool(attribute, "MinExclusive");
            bool maxExclusive = NamedBool(attribute, "MaxExclusive");
            if (type != HyperType.Bool)
            {
                bool aboveMin = minExclusive ? value > min : value >= min;
                bool belowMax = maxExclusive ? value < max : value <= max;
                if (!(aboveMin && belowMax))
                {
                    diagnostics.Add(Diagnostic.Create(Descriptors.HyperDefaultOutOfRange, variable.Initializer!.Value.GetLocation(),
                        field.Name, value.ToString("R", CultureInfo.InvariantCulture), FormatRange(min, minExclusive, max, maxExclusive)));
                    return null;
                }
            }
            return new HyperModel(field.Name, torch, type!.Value, value, DefaultText(variable.Initializer!.Value, type.Value, value), min, minExclusive, max, maxExclusive, description, Optional: optional);
        }

        private static UpdateSignature? ParseUpdateSignature(TypeDeclarationSyntax declaration, string name, SemanticModel semanticModel,
            List<Diagnostic> diagnostics, out MethodDeclarationSyntax? update)
        {
            update = null;
            var candidates = declaration.Members.OfType<MethodDeclarationSyntax>().Where(m => m.Identifier.ValueText == DslNames.UpdateMethod).ToList();
            if (candidates.Count == 0)
            {
                diagnostics.Add(Diagnostic.Create(Descriptors.MissingUpdate, declaration.Identifier.GetLocation(), name));
                return null;
            }
            // The update is the first candidate with the right signature; every other method of that name is one too many.
            var method = candidates.FirstOrDefault(m => IsUpdateSignature(m, semanticModel)) ?? candidates[0];
            foreach (var extra in candidates.Where(c => c != method))
                diagnostics.Add(Diagnostic.Create(Descriptors.DuplicateUpdate, extra.Identifier.GetLocation(), name));
            if (!IsUpdateSignature(method, semanticModel))
            {
                var shownSymbol = semanticModel.GetDeclaredSymbol(method);
                string shown = shownSymbol?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) ?? method.Identifier.ValueText;
                diagnostics.Add(Diagnostic.Create(Descriptors.WrongUpdateSignature, method.Identifier.GetLocation(), name, shown));
                return null;
            }
            var symbol = semanticModel.GetDeclaredSymbol(method)!;
            update = method;
            return new UpdateSignature(symbol.Parameters[0].Name, symbol.Parameters[1].Name, symbol.Parameters[2].Name);
        }

        private static bool IsUpdateSignature(MethodDeclarationSyntax method, SemanticModel semanticModel)
        {
            var symbol = semanticModel.GetDeclaredSymbol(method);
            return symbol is not null
                && symbol.ReturnsVoid
                && !symbol.IsStatic
                && !symbol.IsGenericMethod
                && symbol.Parameters.Length == 3
                && symbol.Parameters[0].RefKind == RefKind.Ref && DslNames.Is(symbol.Parameters[0].Type, DslNames.Element)
                && symbol.Parameters[1].RefKind == RefKind.None && DslNames.Is(symbol.Parameters[1].Type, DslNames.Element)
                && symbol.Parameters[2].RefKind == RefKind.None && symbol.Parameters[2].Type.SpecialType == SpecialType.System_Int32
                && (method.Body is not null || method.ExpressionBody is not null);
        }

        /// <summary>Why the class cannot take the members the generator adds, or null when it can.</summary>
        private static string? ShapeProblem(TypeDeclarationSyntax declaration, INamedTypeSymbol symbol, SemanticModel semanticModel)
        {
            if (declaration is RecordDeclarationSyntax) return "a record";
            if (symbol.IsStatic) return "static";
            if (symbol.IsAbstract) return "abstract";
            if (symbol.IsGenericType) return "generic";
            // The generated part names the base class; the analyzer sees it, so only the declaration's own base list counts.
            foreach (var baseType in declaration.BaseList?.Types ?? default)
            {
                if (semanticModel.GetTypeInfo(baseType.Type).Type is { TypeKind: TypeKind.Class } type)
                    return "derived from '" + type.ToDisplayString() + "'";
            }
            if (declaration.Members.OfType<ConstructorDeclarationSyntax>().Any(c => !c.Modifiers.Any(SyntaxKind.StaticKeyword)))
                return "given a constructor of its own";
            return null;
        }

        /// <summary>
        /// What a <c>[State]</c> field holds: an <c>Element</c> field values of the parameter's type in the space its
        /// <c>Shape</c> names; a <c>float</c> or <c>double</c> field one value per tensor, or per parameter group with
        /// <c>Shape = StateShape.Group</c>; a <c>Matrix</c> field a square matrix over the rows or the columns. Null for
        /// anything else.
        /// </summary>
        private static (Scalar Scalar, Space Space, MatrixShape? Matrix)? StateTypeOf(IFieldSymbol field, AttributeData attribute)
        {
            int shape = NamedInt(attribute, "Shape") ?? 0;
            if (DslNames.Is(field.Type, DslNames.Element))
            {
                return shape switch
                {
                    0 => (Scalar.Element, Space.Element, null),
                    1 => (Scalar.Element, Space.Tensor, null),
                    2 => (Scalar.Element, Space.Row, null),
                    3 => (Scalar.Element, Space.Column, null),
                    _ => null,
                };
            }
            if (DslNames.Is(field.Type, DslNames.Matrix))
            {
                return shape switch
                {
                    4 => (Scalar.Element, Space.Matrix, new MatrixShape(Extent.Rows, Extent.Rows)),
                    5 => (Scalar.Element, Space.Matrix, new MatrixShape(Extent.Columns, Extent.Columns)),
                    6 => (Scalar.Element, Space.Matrix, new MatrixShape(Extent.Elements, Extent.Elements)),
                    _ => null,
                };
            }
            // A group's tensors may mix float and double elements: its state is a float or a double.
            if (shape is 0 or 1 or 7)
            {
                var space = shape == 7 ? Space.Group : Space.Tensor;
                if (field.Type.SpecialType == SpecialType.System_Single) return (Scalar.Float, space, null);
                if (field.Type.SpecialType == SpecialType.System_Double) return (Scalar.Double, space, null);
            }
            return null;
        }

        /// <summary>OPT018 and OPT019, over the update and the procedures: a state or hyperparameter any of them uses is used.</summary>
        private static void ReportUnused(IEnumerable<EquatableArray<Stmt>> bodies, IEnumerable<Requirement> requirements, List<HyperModel> hypers,
            Dictionary<string, Location> hyperLocations, List<(StateModel Model, Location Location)> states, List<Diagnostic> diagnostics)
        {
            var read = new HashSet<string>();
            var assigned = new HashSet<string>();
            foreach (var requirement in requirements)
            {
                IrWalker.Visit(requirement.Condition, expr =>
                {
                    if (expr is Variable variable) read.Add(variable.Name);
                    if (expr is MatrixVariable matrix) read.Add(matrix.Name);
                });
            }
            foreach (var body in bodies)
            {
                IrWalker.Visit(body, stmt =>
                {
                    if (stmt is Assign assign && assign.Value is not null) assigned.Add(assign.Target.Name);
                    if (stmt is MatrixAssign matrix) assigned.Add(matrix.Target.Name);
                }, expr =>
                {
                    if (expr is Variable variable) read.Add(variable.Name);
                    if (expr is MatrixVariable matrix) read.Add(matrix.Name);
                });
            }
            foreach (var (state, _) in states)
            {
                if (state.Init is not null) read.Add(state.Init); // the generator fills the buffer from it
            }
            foreach (var hyper in hypers)
            {
                if (!read.Contains(hyper.Name))
                    diagnostics.Add(Diagnostic.Create(Descriptors.HyperUnused, hyperLocations[hyper.Name], hyper.Name));
            }
            foreach (var (state, location) in states)
            {
                if (!assigned.Contains(state.Name))
                    diagnostics.Add(Diagnostic.Create(Descriptors.StateNeverUpdated, location, state.Name));
            }
        }

        private static DocumentationInfo ParseDocumentation(TypeDeclarationSyntax declaration, INamedTypeSymbol symbol)
        {
            var attribute = FindAttribute(symbol, DslNames.OptimizerAttribute);
            string? stepState = "step";
            if (attribute is not null)
            {
                foreach (var argument in attribute.NamedArguments)
                    if (argument.Key == "StepState") stepState = argument.Value.Value as string;
            }
            return new DocumentationInfo(
                DocComments.SummaryOf(declaration),
                NamedInt(attribute, "Year") ?? 0,
                NamedString(attribute, "Authors"),
                NamedString(attribute, "Paper"),
                NamedString(attribute, "BuildsOn"),
                NamedString(attribute, "Family"),
                NamedString(attribute, "PyTorch"),
                stepState,
                NamedInt(attribute, "MinRank") ?? 0,
                NamedInt(attribute, "MaxRank") ?? int.MaxValue);
        }

        /// <summary>Whether the update has group state or reads a group reduction: something its parameter groups could share.</summary>
        private static bool HasGroupValues(EquatableArray<Stmt> body, IEnumerable<StateModel> states)
        {
            bool found = states.Any(s => s.Space == Space.Group);
            IrWalker.Visit(body, _ => { }, e => found |= e is Call call && Operators.IsGroupReduction(call));
            return found;
        }

        /// <summary>A hyperparameter's or a state's name and PyTorch name, and where each is written.</summary>
        private sealed record NamedField(bool IsHyper, string Name, string TorchName, Location NameLocation, Location? TorchLocation);

        /// <summary>
        /// OPT031: settings (<c>Set</c>, parameter groups, schedulers) find a hyperparameter, and <c>State</c>, state files and
        /// checkpoints a state, by its name or its PyTorch name; two hyperparameters or two states that share one of them
        /// could not be told apart (a state file would repeat a key and fail to load). Reported on the later of the two, at
        /// its Torch argument when it has one.
        /// </summary>
        private static void ReportSharedNames(List<NamedField> fields, List<Diagnostic> diagnostics)
        {
            for (int later = 0; later < fields.Count; later++)
            {
                var field = fields[later];
                // The PyTorch name first: it is the one a user chooses, and the one to change.
                var own = new[] { (Name: field.TorchName, Kind: "PyTorch name", Location: field.TorchLocation ?? field.NameLocation), (Name: field.Name, Kind: "name", Location: field.NameLocation) };
                var clash = (from other in fields.Take(later)
                             where other.IsHyper == field.IsHyper
                             from mine in own
                             let theirKind = mine.Name == other.TorchName ? "PyTorch name" : mine.Name == other.Name ? "name" : null
                             where theirKind is not null
                             select (Mine: mine, TheirKind: theirKind, Other: other)).FirstOrDefault();
                if (clash.TheirKind is null) continue;
                diagnostics.Add(Diagnostic.Create(Descriptors.DuplicateTorchName, clash.Mine.Location, clash.Mine.Kind, clash.Mine.Name,
                    field.IsHyper ? "hyperparameter" : "state", field.Name, clash.TheirKind, clash.Other.Name));
            }
        }

        /// <summary>Where the attribute sets the named property <paramref name="name"/>, or null when it does not.</summary>
        private static Location? NamedArgumentLocation(AttributeData? attribute, string name, CancellationToken cancellationToken) =>
            (attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments
                .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.GetLocation();

        /// <summary>
        /// Whether the C# compiler accepts the update. Some mistakes are its to report, not the analyzer's: a local used
        /// before it is assigned (CS0165), an Element assigned to a double or float (CS0029). Code generated from such an
        /// update would repeat the error, or add others, so the generator emits nothing until it is fixed.
        /// </summary>
        private static bool Compiles(MethodDeclarationSyntax? update, SemanticModel semanticModel, CancellationToken cancellationToken) =>
            update is not null && !semanticModel.GetDiagnostics(update.Span, cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error);

        /// <summary>
        /// The namespace's name as its parts are called, without the '@' that ToDisplayString puts before a keyword (it is
        /// not allowed in a generated file's name; the emitters escape keywords where they write code).
        /// </summary>
        private static string NamespaceName(INamespaceSymbol? ns) =>
            ns is null || ns.IsGlobalNamespace ? "" : NamespaceName(ns.ContainingNamespace) is { Length: > 0 } outer ? outer + "." + ns.Name : ns.Name;

        /// <summary>The names the class declares besides its update method.</summary>
        private static IEnumerable<SyntaxToken> MemberIdentifiers(TypeDeclarationSyntax declaration)
        {
            foreach (var member in declaration.Members)
            {
                switch (member)
                {
                    case BaseFieldDeclarationSyntax field:
                        foreach (var variable in field.Declaration.Variables) yield return variable.Identifier;
                        break;
                    case MethodDeclarationSyntax method when method.Identifier.ValueText != DslNames.UpdateMethod:
                        yield return method.Identifier;
                        break;
                    case PropertyDeclarationSyntax property:
                        yield return property.Identifier;
                        break;
                    case BaseTypeDeclarationSyntax type:
                        yield return type.Identifier;
                        break;
                }
            }
        }

        /// <summary>A numeric constant as a double; a char (C# converts it implicitly) is its code point.</summary>
        private static double ToDouble(object value) =>
            value is char c ? c : System.Convert.ToDouble(value, CultureInfo.InvariantCulture);

        private static AttributeData? FindAttribute(ISymbol symbol, string metadataName) =>
            symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == metadataName);

        private static TypedConstant? Named(AttributeData? attribute, string key)
        {
            if (attribute is null) return null;
            foreach (var argument in attribute.NamedArguments)
                if (argument.Key == key) return argument.Value;
            return null;
        }

        private static string? NamedString(AttributeData? attribute, string key) => Named(attribute, key)?.Value as string;

        private static int? NamedInt(AttributeData? attribute, string key) => Named(attribute, key)?.Value is int value ? value : null;

        private static bool NamedBool(AttributeData? attribute, string key) => Named(attribute, key)?.Value is true;

        /// <summary>The declared range as text when it holds no value (Min above Max, NaN, or a point with an exclusive end); null otherwise.</summary>
        private static string? EmptyRange(AttributeData? attribute)
        {
            double min = NamedDouble(attribute, "Min") ?? double.NegativeInfinity;
            double max = NamedDouble(attribute, "Max") ?? double.PositiveInfinity;
            bool minExclusive = NamedBool(attribute, "MinExclusive");
            bool maxExclusive = NamedBool(attribute, "MaxExclusive");
            bool holdsValue = min < max || (min == max && !minExclusive && !maxExclusive);
            return holdsValue ? null : FormatRange(min, minExclusive, max, maxExclusive);
        }

        private static double? NamedDouble(AttributeData? attribute, string key) =>
            Named(attribute, key)?.Value is { } value ? System.Convert.ToDouble(value, CultureInfo.InvariantCulture) : null;

        /// <summary>Whether a type is <c>double?</c>, the type of an optional hyperparameter.</summary>
        internal static bool IsOptionalDouble(ITypeSymbol type) =>
            type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            && nullable.TypeArguments[0].SpecialType == SpecialType.System_Double;

        /// <summary>An enum's members, in declaration order, and its names as C# source and for documentation.</summary>
        internal static EnumModel EnumModelOf(INamedTypeSymbol enumType) => new EnumModel(
            enumType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            enumType.Name,
            enumType.GetMembers().OfType<IFieldSymbol>()
                .Where(member => member.HasConstantValue && member.ConstantValue is not null)
                .Select(member => new EnumMember(member.Name, ToDouble(member.ConstantValue!)))
                .ToEquatableArray());

        /// <summary>
        /// Whether an enum can be the type of a parameter of the optimizer's public constructor and of a property of its
        /// public Hyperparameters class: visible everywhere for a public optimizer, in its assembly for an internal one.
        /// </summary>
        private static bool IsAccessibleEnough(INamedTypeSymbol enumType, INamedTypeSymbol optimizer)
        {
            int reach = Reach(enumType);
            for (var outer = enumType.ContainingType; outer is not null; outer = outer.ContainingType) reach = System.Math.Min(reach, Reach(outer));
            return reach >= Reach(optimizer);
        }

        /// <summary>2: visible everywhere; 1: in its assembly; 0: less.</summary>
        private static int Reach(INamedTypeSymbol type) => type.DeclaredAccessibility switch
        {
            Accessibility.Public => 2,
            Accessibility.Internal or Accessibility.ProtectedOrInternal => 1,
            _ => 0,
        };

        /// <summary>A literal default as written (<c>1e-8</c>, <c>-0.5</c>); any other expression by its value.</summary>
        private static string DefaultText(ExpressionSyntax initializer, HyperType type, double value)
        {
            if (type == HyperType.Bool) return value != 0 ? "true" : "false";
            var literal = initializer is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } negated ? negated.Operand : initializer;
            if (literal is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression } number)
            {
                string text = number.Token.Text.TrimEnd('d', 'D', 'f', 'F', 'm', 'M').Replace("_", "");
                return (literal == initializer ? "" : "-") + text;
            }
            return value.ToString("R", CultureInfo.InvariantCulture);
        }

        internal static string FormatRange(double min, bool minExclusive, double max, bool maxExclusive)
        {
            string low = double.IsNegativeInfinity(min) ? "-∞" : min.ToString("R", CultureInfo.InvariantCulture);
            string high = double.IsPositiveInfinity(max) ? "∞" : max.ToString("R", CultureInfo.InvariantCulture);
            return (minExclusive || double.IsNegativeInfinity(min) ? "(" : "[") + low + ", " + high + (maxExclusive || double.IsPositiveInfinity(max) ? ")" : "]");
        }
    }
}
